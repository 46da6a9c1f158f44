"""You are the scheduler, one click at a time: the model behind ``autograder.step``.

A :class:`Stepper` holds a scenario (a puzzle's flawed class, or the student's own class
with a small scenario) and answers one question: after the processes have taken the steps
of ``schedule`` (process numbers, one per step, exactly as a puzzle answer is written),
where is everything? Its :class:`Position` has the steps so far, the step each process
would take next (None when it cannot move: it waits, or it has finished), the shared state
those steps leave (values, lock holders, waiters), and, once nobody can move, the outcome.

Everything runs on the engine's public API: :class:`UpTo` wraps a ``StepScheduler`` and
stops the execution where the schedule ends (``run`` then returns the steps so far); one
more run per process, with that process's number appended, tells what it would do next.
Runs are simulated (greenlets in this kernel, virtual time), a few milliseconds each.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from autograder.engine import Scheduler, StepScheduler, run, story

from .pictures import intervals

__all__ = ["Stepper", "Position", "UpTo"]

_VALUE = re.compile(r"^ = (.*)$")


class UpTo(Scheduler):
    """One execution along ``entries`` (a StepScheduler's), stopped as soon as the last entry's
    step is done: ``stopped_with`` is then the pids that could have run next (empty: the
    execution ran to its end, every process finished or blocked)."""

    name = "steps"
    records_accesses = True          # a Proc's ``did`` says whether its step is done

    def __init__(self, entries):
        self.entries = list(entries)
        self.inner = StepScheduler(self.entries)
        self.last = None             # the process taking the latest entry's step
        self.stopped_with: list[int] = []

    def new_execution(self) -> bool:
        return self.inner.new_execution()

    @property
    def problem(self):
        return self.inner.problem

    def next(self, runnable, current):
        if self.inner.taken == len(self.entries):
            last = self.last
            if last is not None and current is last and not last.did and last in runnable:
                return last          # it started, or did something invisible: not yet its step
            self.stopped_with = [p.pid for p in runnable if p.pid]
            return None
        before = self.inner.taken
        chosen = self.inner.next(runnable, current)
        if self.inner.taken > before:
            self.last = chosen
        return chosen


@dataclass
class Position:
    """Where a scenario stands after ``schedule`` (see the module docstring)."""

    schedule: list
    steps: list                                   # engine Steps so far ("time" steps left out)
    next_steps: dict                              # pid -> the Step it would take next, or None
    values: dict = field(default_factory=dict)    # shared value or array cell -> its last value seen
    holders: dict = field(default_factory=dict)   # lock -> processes holding it
    waiters: dict = field(default_factory=dict)   # lock, condition, ... -> processes waiting on it
    finished: list = field(default_factory=list)  # pids that have finished
    outcome: str | None = None                    # once nobody can move: what happened
    broken: bool = False                          # ... and it broke the scenario's check (or deadlocked)
    decisive: list = field(default_factory=list)  # the steps that show the bug, when broken

    @property
    def movable(self) -> list[int]:
        return [pid for pid, step in self.next_steps.items() if step is not None]

    @property
    def over(self) -> bool:
        return self.outcome is not None


class Stepper:
    """Step ``scenario()`` (a fresh engine Scenario per call) by hand; ``invariant`` says in
    words what must hold (shown with the outcome)."""

    def __init__(self, scenario, *, title: str, invariant: str = ""):
        self.scenario = scenario
        self.title = title
        self.invariant = invariant
        self.processes = len(scenario().processes)
        self._cache: dict[tuple, Position] = {}

    def _run(self, schedule):
        scheduler = UpTo(schedule)
        result = run(self.scenario(), scheduler)
        return result, scheduler

    def position(self, schedule=()) -> Position:
        """The :class:`Position` after ``schedule``; ValueError if it asks a process for a step
        it cannot take."""
        key = tuple(schedule)
        if key in self._cache:
            return self._cache[key]
        result, scheduler = self._run(key)
        if scheduler.problem is not None:
            entry, pid = scheduler.problem
            raise ValueError(f"entry {entry} of {list(key)} asks P{pid} for a step it cannot take now")
        steps = [s for s in result.steps if s.verb != "time"]
        finished = sorted({s.pid for s in steps if s.verb == "finishes"})
        next_steps = {pid: None for pid in range(1, self.processes + 1)}
        for pid in scheduler.stopped_with:
            longer, _ = self._run(key + (pid,))
            new = [s for s in longer.steps[len(result.steps):] if s.pid == pid and s.verb != "finishes"]
            next_steps[pid] = new[0] if new else None
        position = Position(list(key), steps, next_steps, finished=finished)
        self._describe_state(position)
        if not scheduler.stopped_with:                 # nobody could run any more: the end
            self._judge(position, result)
        self._cache[key] = position
        return position

    @staticmethod
    def _describe_state(position: Position) -> None:
        for s in position.steps:
            if s.verb in ("reads", "writes"):
                found = _VALUE.match(s.detail)
                if found:
                    position.values[s.target] = found.group(1)
        for process, state, obj, _start, _end, still in intervals(position.steps):
            if still:
                table = position.holders if state == "holding" else position.waiters
                table.setdefault(obj, []).append(process)

    def _judge(self, position: Position, result) -> None:
        failure = result.failure
        if failure is None:
            position.outcome = (f"Every process finished and nothing broke"
                                + (f": {self.invariant}." if self.invariant else "."))
            return
        told = story(failure)
        position.broken = True
        position.decisive = told.steps
        summary = f" ({told.summary})" if told.summary and told.summary not in failure.message else ""
        position.outcome = f"It broke: {failure.message}{summary}"

"""You are the scheduler, one click at a time: the model behind ``autograder.step``.

A :class:`Stepper` holds a scenario (a puzzle's flawed class, or the student's own class
with a small scenario) and answers one question: after the processes have taken the steps
of ``schedule`` (process numbers, one per step, exactly as a puzzle answer is written),
where is everything? Its :class:`Position` has the steps so far, the step each process
would take next (None when it cannot move: it waits, or it has finished) and how many
schedule entries that takes (one, unless the process first makes operations the steps do not
show, such as the lock a ``Value`` takes around each access), the shared state
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
#: operations on shared objects a process may make between two steps the list shows
INVISIBLE = 8
#: the access mode of a release in a Proc's ``did`` (autograder.engine's scheduler protocol)
GIVE = 3


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
        self.last_did = ()           # the accesses of the last entry's transition

    def new_execution(self) -> bool:
        return self.inner.new_execution()

    @property
    def problem(self):
        return self.inner.problem

    @property
    def used(self) -> int:
        """Entries the execution used (fewer than given when every process ended first)."""
        return self.inner.taken

    def next(self, runnable, current):
        if self.inner.taken == len(self.entries):
            last = self.last
            if last is not None and current is last and not last.did and last in runnable:
                return last          # it started, or did something invisible: not yet its step
            self.stopped_with = [p.pid for p in runnable if p.pid]
            self.last_did = tuple(last.did) if last is not None else ()
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
    entries: dict = field(default_factory=dict)   # pid -> schedule entries that step takes (see below)
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
        entries = {}
        for pid in scheduler.stopped_with:
            found = self._next_step(key, pid, len(result.steps))
            if found is not None:
                next_steps[pid], entries[pid] = found
        position = Position(list(key), steps, next_steps, entries, finished=finished)
        self._describe_state(position)
        if not scheduler.stopped_with:                 # nobody could run any more: the end
            self._judge(position, result)
        self._cache[key] = position
        return position

    def _next_step(self, key: tuple, pid: int, seen: int):
        """``(Step, entries)``: the next step ``pid`` would show, and how many schedule entries it
        takes. Usually one; more when the process first touches something the steps do not show
        (the lock a ``Value`` takes around each read and write, say): a click goes on to the next
        step you can see. None if it cannot move."""
        for entries in range(1, INVISIBLE + 2):
            longer, scheduler = self._run(key + (pid,) * entries)
            if scheduler.problem is not None:
                return None
            new = [s for s in longer.steps[seen:] if s.pid == pid and s.verb not in ("finishes", "time")]
            if new:
                return new[0], entries + self._releases_after(key + (pid,) * entries, pid, len(longer.steps))
            if pid not in scheduler.stopped_with:
                return None
        return None

    def _releases_after(self, key: tuple, pid: int, seen: int) -> int:
        """How many entries right after a step only release locks the steps do not show (a
        Value's own lock after a read): a click lets the process make them too, so that
        another process may take that lock next."""
        extra = 0
        while extra < INVISIBLE:
            longer, scheduler = self._run(key + (pid,) * (extra + 1))
            if scheduler.used < len(key) + extra + 1:
                return extra                # the run ended before it needed that entry
            shown = [s for s in longer.steps[seen:] if s.verb not in ("finishes", "time")]
            if scheduler.problem is None and not shown and not longer.abandoned:
                return extra + 1            # the release let the run end: every process is done
            if scheduler.problem is not None or shown or not scheduler.last_did \
                    or any(mode != GIVE for _, mode in scheduler.last_did):
                return extra
            extra += 1
        return extra

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

"""You are the scheduler: graded exercises where the student breaks a flawed class.

Each puzzle is a flawed class (it is not a solution to anything: it is the bug), a scenario
of a few processes using it, and an invariant. The student answers with a *schedule of
steps*: a list of process numbers, one per step, where a step is one operation on a shared
object (one line of the run's timeline; see autograder.engine.schedulers.steps). After the
last entry the run goes on by the default rule (the process that ran last goes on if it
can, else the lowest-numbered). :func:`judge` replays the schedule on the flawed class and
says whether the invariant broke.

No student code runs here: the answer is a plain list of small ints (the grader gets it from
a sandboxed evaluation of the answer cell, like a quiz answer) and the replay runs only this
module's classes under the engine, with a step budget. So the grader judges in its own
process. A schedule that breaks a puzzle is an answer: none is stored here (the solutions
are in source/).
"""
from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass
from typing import Callable

from autograder.engine import FailureKind, Scenario, StepScheduler, run, story

__all__ = ["PUZZLES", "Puzzle", "Verdict", "judge", "MAX_STEPS"]

MAX_STEPS = 50                 # entries in a schedule (the quiz job sends at most 50 items)


# ---------------------------------------------------------------- 02 · locks
class SplitLockCounter:
    """Every access to the total takes the lock; but the read and the write of an increment
    are two critical sections, not one."""

    def __init__(self, *, ctx):
        self._lock = ctx.Lock()
        self._total = ctx.RawValue("q", 0)

    def increment(self):
        with self._lock:
            current = self._total.value
        with self._lock:
            self._total.value = current + 1

    @property
    def value(self):
        with self._lock:
            return self._total.value


def _counter_scenario():
    def check(counter, results):
        if counter.value != 2:
            return f"after two increments the counter is {counter.value}, not 2: an update was lost"
        return None
    return Scenario("SplitLockCounter(); P1: increment(); P2: increment()", lambda ctx: SplitLockCounter(ctx=ctx),
                    [lambda c: c.increment(), lambda c: c.increment()], check, step_budget=500)


# ---------------------------------------------------------------- 05 · conditions
class IfWaitSlot:
    """A queue of capacity 1 built on one Condition, with `if` around wait() instead of
    `while`."""

    def __init__(self, *, ctx):
        self._cond = ctx.Condition(ctx.Lock())
        self._item = ctx.RawValue("q", 0)
        self._full = ctx.RawValue("q", 0)

    def put(self, item):
        with self._cond:
            if self._full.value:
                self._cond.wait()
            self._item.value = item
            self._full.value = 1
            self._cond.notify_all()

    def get(self):
        with self._cond:
            if not self._full.value:
                self._cond.wait()
            item = self._item.value
            self._full.value = 0
            self._cond.notify_all()
            return item


def _slot_scenario():
    def producer(q):
        q.put(1)
        q.put(2)

    def check(q, results):
        got = sorted(results[1:])
        if got != [1, 2]:
            return (f"P2 got {results[1]} and P3 got {results[2]}, but P1 put 1 and 2: every item must "
                    f"come out exactly once")
        return None
    return Scenario("IfWaitSlot(); P1: put(1), put(2); P2: get(); P3: get()", lambda ctx: IfWaitSlot(ctx=ctx),
                    [producer, lambda q: q.get(), lambda q: q.get()], check, step_budget=500)


# ---------------------------------------------------------------- 06 · deadlock
class ReverseAuditBank:
    """transfer() takes its two locks in account order; total() takes every lock from the
    last account down."""

    def __init__(self, balances, *, ctx):
        self._balances = ctx.RawArray("q", list(balances))
        self._locks = [ctx.Lock() for _ in balances]

    def transfer(self, src, dst, amount):
        first, second = sorted((src, dst))
        with self._locks[first]:
            with self._locks[second]:
                self._balances[src] -= amount
                self._balances[dst] += amount

    def total(self):
        for lock in reversed(self._locks):
            lock.acquire()
        try:
            return sum(self._balances[:])
        finally:
            for lock in self._locks:
                lock.release()


def _bank_scenario():
    def check(bank, results):
        if results[1] != 200:
            return f"P2's total() returned {results[1]}, but the bank always holds 200"
        return None
    return Scenario("ReverseAuditBank([100, 100]); P1: transfer(0, 1, 10); P2: total()",
                    lambda ctx: ReverseAuditBank([100, 100], ctx=ctx),
                    [lambda b: b.transfer(0, 1, 10), lambda b: b.total()], check, step_budget=500)


# ---------------------------------------------------------------- the table
@dataclass(frozen=True)
class Puzzle:
    id: str                                  # the answer cell's grade_id and variable name
    flawed: type
    scenario: Callable[[], Scenario]
    invariant: str                           # what a correct class would always keep

    @property
    def processes(self) -> int:
        return len(self.scenario().processes)

    def source(self) -> str:
        """The flawed class as the lesson shows it."""
        return textwrap.dedent(inspect.getsource(self.flawed))


PUZZLES: dict[str, Puzzle] = {p.id: p for p in (
    Puzzle("counter_schedule", SplitLockCounter, _counter_scenario,
           "after both increments the counter is 2"),
    Puzzle("queue_schedule", IfWaitSlot, _slot_scenario,
           "every item put comes out exactly once"),
    Puzzle("bank_schedule", ReverseAuditBank, _bank_scenario,
           "both processes finish (no deadlock) and total() returns 200"),
)}


@dataclass
class Verdict:
    broken: bool          # the schedule broke the invariant: full marks
    message: str          # one or two sentences for the student
    steps: list           # every step of the run (engine Steps)
    decisive: list        # the steps that show the bug (empty when nothing broke)
    stuck: int | None     # the schedule entry (from 1) that named a process unable to move

    def __repr__(self):
        return f"Verdict(broken={self.broken}, {len(self.steps)} steps)"


def validate(puzzle_id: str, schedule) -> Puzzle:
    """The puzzle, once ``schedule`` is a list of process numbers it can use; ValueError
    saying what is wrong otherwise (the message is for the student)."""
    puzzle = PUZZLES.get(puzzle_id)
    if puzzle is None:
        raise ValueError(f"there is no scheduling exercise {puzzle_id!r}; there are {', '.join(PUZZLES)}")
    n = puzzle.processes
    if schedule is None or schedule is Ellipsis:
        raise ValueError("no answer yet: write your schedule as a list of process numbers, e.g. [1, 2, 1]")
    if type(schedule) not in (list, tuple):
        raise ValueError(f"a schedule is a list of process numbers, e.g. [1, 2, 1], not a {type(schedule).__name__}")
    if len(schedule) > MAX_STEPS:
        raise ValueError(f"your schedule has {len(schedule)} entries; at most {MAX_STEPS} are needed "
                         f"(after the last one the run goes on by itself)")
    for k, pid in enumerate(schedule, 1):
        if type(pid) is not int or not 1 <= pid <= n:
            raise ValueError(f"entry {k} of your schedule is {pid!r}; each entry is a process number "
                             f"from 1 to {n}")
    return puzzle


def judge(puzzle_id: str, schedule) -> Verdict:
    """Replay ``schedule`` (see the module docstring) on the puzzle's flawed class.
    ValueError (from :func:`validate`) if it is not a usable schedule."""
    puzzle = validate(puzzle_id, schedule)
    scheduler = StepScheduler(list(schedule))
    result = run(puzzle.scenario(), scheduler)
    if scheduler.problem is not None:
        entry, pid = scheduler.problem
        last = next((s for s in reversed(result.steps) if s.pid == pid), None)
        if last is None or last.verb == "finishes":
            why = "it has finished"
        else:
            why = f"it is waiting (its last step: {last.text})"
        return Verdict(False, f"entry {entry} of your schedule asks P{pid} for a step, but {why}. Choose a "
                              f"process that can move at that point (the steps so far are below)",
                       result.steps, [], entry)
    failure = result.failure
    if failure is None:
        return Verdict(False, f"nothing broke: {puzzle.invariant}, as it should. Look for the moment where "
                              f"another process's step would come too early", result.steps, [], None)
    told = story(failure)
    if failure.kind == FailureKind.DEADLOCK:
        what = f"deadlock: {told.summary}" if told.summary else failure.message
    else:
        what = failure.message
        if told.summary:
            what += f" ({told.summary})"
    return Verdict(True, f"you broke it: {what}", result.steps, told.steps, None)


def feedback(verdict: Verdict, *, limit: int = 12) -> str:
    """The verdict as the test cell and the feedback show it: the sentence, then the steps
    that show the bug (broken), or the steps up to where the schedule got stuck, or the last
    steps (nothing broke); each numbered as in the run."""
    text = verdict.message[0].upper() + verdict.message[1:]
    lines = [text if text.endswith((".", "!", ")")) else text + "."]
    visible = [s for s in verdict.steps if s.verb != "time"]
    if verdict.broken:
        shown, head = verdict.decisive, "The steps that show it:"
    elif verdict.stuck is not None:
        shown, head = visible[-6:], "The last steps before it:"
    else:
        shown, head = visible[-6:], "How the run ended:"
    if shown:
        lines.append(head)
        lines += [f"  {s.index:>2}. {s.text}" for s in shown[:limit]]
    return "\n".join(lines)


def described(puzzle_id: str) -> str:
    """What the lesson shows before the answer cell: the flawed class, the scenario, the
    invariant and the rules of a schedule."""
    puzzle = PUZZLES[puzzle_id]
    scenario = puzzle.scenario()
    return "\n".join([
        puzzle.source().rstrip(), "",
        f"Scenario: {scenario.name}",
        f"Break this: {puzzle.invariant}.",
        f"Your schedule: a list of process numbers (1 to {puzzle.processes}), one per step; a step is one "
        f"operation on a shared object (acquire, release, wait, notify, a read or a write of shared "
        f"memory, waking up from wait). An acquire that finds the lock taken ('blocks on') is a step "
        f"too and uses up an entry; 'finishes' is listed but takes no entry. After your last entry "
        f"the process that ran last goes on if it can, else the lowest-numbered one.",
    ])

"""Break it, then fix it: ``puzzle.fix("counter_schedule", MyCounter)``.

After a "you are the scheduler" puzzle the student writes a fixed version of the flawed
class. :func:`verify_fix` runs the puzzle's scenario on it under *every* distinct
interleaving (DPOR: the engine's partial-order reduction, which explores each class of
equivalent schedules once) and says so: a certificate such as "all 20 distinct interleavings
explored: none breaks the invariant", or the first failing run as a story (its decisive steps)
and a swim-lane picture, with the schedule to step through with ``autograder.step``.

The class runs here, in the kernel, in simulated processes (no child process): it may be
defined in a notebook cell. Nothing is graded.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from autograder.checks.puzzles import PUZZLES
from autograder.engine import explore

__all__ = ["verify_fix", "FixVerdict", "BUILD"]

#: how each puzzle's scenario builds its object, given the class to build it from
BUILD = {
    "counter_schedule": lambda cls: (lambda ctx: cls(ctx=ctx)),
    "queue_schedule": lambda cls: (lambda ctx: cls(ctx=ctx)),
    "bank_schedule": lambda cls: (lambda ctx: cls([100, 100], ctx=ctx)),
}
#: more distinct interleavings than a small fix has; a search stopped here is said to be partial
MAX_INTERLEAVINGS = 20_000


@dataclass
class FixVerdict:
    fixed: bool            # every distinct interleaving explored, none broke the invariant
    complete: bool         # the search explored every distinct interleaving
    interleavings: int
    message: str
    failure: object = None  # the engine Failure of the first broken run


def scenario_with(puzzle_id: str, cls):
    """The puzzle's scenario, with ``cls`` in place of its flawed class."""
    if puzzle_id not in PUZZLES:
        raise ValueError(f"there is no puzzle {puzzle_id!r}; there are {', '.join(PUZZLES)}")
    if not isinstance(cls, type):
        raise TypeError(f"give the class itself (puzzle.fix({puzzle_id!r}, MyClass)), not {cls!r}")
    base = PUZZLES[puzzle_id].scenario()
    name = base.name.replace(PUZZLES[puzzle_id].flawed.__name__, cls.__name__, 1)
    return dataclasses.replace(base, name=name, setup=BUILD[puzzle_id](cls))


def verify_fix(puzzle_id: str, cls) -> FixVerdict:
    """Explore every distinct interleaving of the puzzle's scenario on ``cls``."""
    scenario = scenario_with(puzzle_id, cls)
    invariant = PUZZLES[puzzle_id].invariant
    result = explore(scenario, strategy="dpor", max_schedules=MAX_INTERLEAVINGS)
    if not result.ok:
        failure = result.failure
        return FixVerdict(False, False, result.interleavings,
                          f"Not fixed yet: {failure.message}", failure)
    if result.complete:
        return FixVerdict(True, True, result.interleavings,
                          f"Fixed: {result.coverage}, and none breaks the invariant ({invariant}).")
    return FixVerdict(False, False, result.interleavings,
                      f"No interleaving broke it in {result.coverage}, but the search stopped before "
                      f"it had seen them all: make the class simpler (fewer operations on shared "
                      f"objects), then try again.")

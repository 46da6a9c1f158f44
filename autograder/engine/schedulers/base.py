"""The Scheduler protocol (modelled on shuttle's ``Scheduler`` trait)."""
from __future__ import annotations

from typing import Optional, Sequence

__all__ = ["Scheduler"]


class Scheduler:
    """Decides, at every scheduling decision of an execution, which process runs next, and
    lives across the executions of one exploration.

    The engine calls :meth:`new_execution` before each execution (False ends the
    exploration), then :meth:`next` at every decision of that execution: when the process
    that was running reaches a scheduling point, blocks or finishes, and once before the
    first process starts.  ``runnable`` is never empty and lists processes (``Proc``:
    ``.pid``, ``.label``, ``.pending``) in pid order, followed by the clock (``pid == 0``,
    "the earliest pending deadline passes now") while some process is in a timed wait;
    ``current`` is the process whose transition just ended (it is in ``runnable`` if it
    can go on), or None before the first.  Only decisions with two or more choices are
    recorded in a schedule.
    """

    name = "scheduler"           # how results and failures name the strategy
    #: True: the engine fills each Proc's ``pending`` and ``did`` (the accesses of its
    #: next and of its last transition), which costs time; partial-order reduction needs it
    records_accesses = False

    def new_execution(self) -> bool:
        """Start another execution?  False: the exploration is over."""
        raise NotImplementedError

    def next(self, runnable: Sequence, current) -> Optional[object]:
        """One of ``runnable``, or None to abandon this execution (it is neither checked
        nor counted as an interleaving: e.g. it is equivalent to one already explored)."""
        raise NotImplementedError

    @property
    def complete(self) -> bool:
        """After :meth:`new_execution` returned False: every distinct interleaving has been
        explored (a pass is then a proof for this scenario)."""
        return False

    @property
    def exhausted(self) -> bool:
        """After :meth:`new_execution` returned False: every schedule this scheduler
        considers (e.g. within a preemption bound) has been run."""
        return False

    def coverage(self, result) -> str:
        """What a passing exploration with this scheduler covered, in words a student reads
        (e.g. "all 6 distinct interleavings explored", "300 random schedules: not
        exhaustive"), from its ``result`` (an ExploreResult: ``schedules_run``,
        ``interleavings``, ``complete``, ``exhausted``). Each strategy says it its own way."""
        if result.complete:
            return f"all {result.interleavings:,} distinct interleavings explored"
        return f"{result.schedules_run:,} schedules ({self.name}): not exhaustive"


class OneExecution(Scheduler):
    """A scheduler that runs exactly one execution (a replay of a given schedule)."""

    _ran = False

    def new_execution(self) -> bool:
        if self._ran:
            return False
        self._ran = True
        return True

    def coverage(self, result) -> str:
        return f"one given schedule ({self.name})"

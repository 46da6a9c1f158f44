"""Steps: a schedule written the way a timeline reads, one entry per step.

Each entry is the process that takes the next *step*: it runs until it has made one
operation on a shared object (a read or write of shared memory, an acquire, a release, a
wait, a notify, ...; one line of the run's timeline, not counting "finishes"). Starting a
process is not a step. After the last entry the default applies (the process that ran last
goes on if it can, else the lowest pid), as in a replay. An entry naming a process that
cannot take a step then (it waits, or it has finished) abandons the execution, and
:attr:`StepScheduler.problem` says at which entry.

This is the schedule a student writes in a "you are the scheduler" exercise; the
execution's decisions (``Run.schedule``) replay it with :class:`ReplayScheduler`.
"""
from __future__ import annotations

from .base import OneExecution

__all__ = ["StepScheduler"]


class StepScheduler(OneExecution):
    """One execution along ``steps`` (pids, one per step; see the module docstring)."""

    name = "steps"
    records_accesses = True         # a transition that touched nothing is not a step

    def __init__(self, steps):
        self.steps = list(steps)
        self.taken = 0              # entries used so far
        self.problem = None         # (entry number from 1, pid) that could not take a step
        self._active = None         # the process taking the current entry's step

    def next(self, runnable, current):
        active = self._active
        if active is not None:
            if current is active and not active.did and active in runnable:
                return active        # it started, or did something invisible: not yet its step
            self._active = None
        if self.taken < len(self.steps):
            want = self.steps[self.taken]
            self.taken += 1
            chosen = next((p for p in runnable if p.pid == want), None)
            if chosen is None:
                self.problem = (self.taken, want)
                return None
            self._active = chosen
            return chosen
        return current if current is not None and current in runnable else runnable[0]

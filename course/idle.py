"""Processes that are all blocked: none of them has used the CPU for a while.

A deadlock, or a wake-up that never comes, leaves processes asleep in the kernel: they use
no CPU at all, however long one waits. :class:`IdleWatch` notices that, so that a lesson
cell running a student's class can report a stuck run after a couple of seconds instead of
waiting out a deadline chosen for a slow machine. Only for work that never sleeps on
purpose (``time.sleep`` uses no CPU either). The seconds are machine share
(autograder.deadlines), like every deadline of the course.
"""
from __future__ import annotations

import psutil

from autograder.deadlines import Deadline

#: CPU seconds (all the processes together) that count as "it moved"
MOVED = 0.002


def cpu_seconds(pids) -> dict[int, float]:
    """``{pid: user + system CPU seconds}`` for ``pids`` and their descendants."""
    found = {}
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            family = [proc] + proc.children(recursive=True)
        except psutil.Error:
            continue
        for p in family:
            try:
                times = p.cpu_times()
            except psutil.Error:
                continue
            found[p.pid] = times.user + times.system
    return found


class IdleWatch:
    """``idle(pids)`` is True once ``pids`` (and their descendants) have used no CPU for
    ``seconds`` in a row."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._seen: dict[int, float] = {}
        self._quiet = Deadline(seconds)

    def idle(self, pids) -> bool:
        now = cpu_seconds(pids)
        moved = sum(max(0.0, used - self._seen.get(pid, -1.0)) for pid, used in now.items())
        self._seen = now
        if moved > MOVED:
            self._quiet = Deadline(self.seconds)
            return False
        return self._quiet.expired()

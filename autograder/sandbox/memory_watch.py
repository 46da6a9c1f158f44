"""A job's memory, limited as a whole: the grader watches what all its processes hold.

Resource limits are per process (``limits.py``: an address space per process, a number of
processes per job), so they do not add up to a limit for the job: 64 processes of 4 GiB are
256 GiB. A cgroup would limit the whole job, but this project's machines (and CI) have no
cgroup v2 memory controller to delegate; so the grader measures instead: every ``interval``
seconds it adds up the resident memory of the job's process tree (bubblewrap and everything
in its PID namespace) and kills the job when the sum passes ``c.Sandbox.job_memory``. Pages
shared after a fork are counted once per process, so the sum errs on the high side; a
process's own address-space limit bounds how far one allocation can go between two looks.
"""
from __future__ import annotations

import threading

import psutil


class MemoryWatch:
    """Watches ``pid``'s process tree in a thread; calls ``kill`` once when it holds more than
    ``limit`` bytes. ``exceeded`` is then the sum that was seen (else None)."""

    def __init__(self, pid: int, limit: int, kill, interval: float = 0.1):
        self.limit, self.exceeded = limit, None
        self._kill, self._interval = kill, interval
        self._stop = threading.Event()
        try:
            self._root = psutil.Process(pid)
        except psutil.Error:
            self._root = None
        self._thread = threading.Thread(target=self._watch, daemon=True, name=f"memory-watch-{pid}")
        self._thread.start()

    def held(self) -> int:
        """Bytes resident in the tree now (processes that end while counted count 0)."""
        if self._root is None:
            return 0
        total = 0
        try:
            tree = [self._root, *self._root.children(recursive=True)]
        except psutil.Error:
            return 0
        for process in tree:
            try:
                total += process.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            held = self.held()
            if held > self.limit:
                self.exceeded = held
                self._kill()
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

"""One CPU for a judge and the workers it talks to.

A controlled execution is a conversation: the judge performs one operation of one worker,
then tells the next worker to go on, one round trip per lock operation or shared read, and
nothing else runs meanwhile. When the two ends sit on different cores every round trip is a
cross-CPU wake-up: about 100 us on our 2-core virtual machines, against 25 us when both ends
share a core (a correct queue answer makes about 450,000 of them). So a judge pins itself,
and with it the worker host and workers it starts (they inherit the affinity), to one CPU
(:func:`one_cpu`). Judges running at the same time (``make grade --jobs N``, a test that checks
one answer ahead) each claim a different CPU through a lock file per CPU; a judge that finds
every CPU claimed stays unpinned.

Two things must not change with the pinning: deadlines still count the share of the whole
machine (:data:`autograder.environment.MACHINE_CPUS`, read by autograder.deadlines), and a
real-process run's children get every CPU back (:func:`every_cpu`, in the worker that starts
them): their races need cores running side by side.

``make grade --jobs N`` with N no more than the CPUs goes one step further (:class:`JobCpus`):
each grading job holds one CPU for a whole submission, so its nbgrader process and display run
land on the same CPU as its judge, never on the CPU where another job's judge is in the middle
of its round trips.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import stat
import tempfile
from pathlib import Path

from .environment import MACHINE_CPUS

__all__ = ["JobCpus", "one_cpu", "every_cpu", "machine_cpus"]


def machine_cpus() -> set[int]:
    """The CPUs this process may use, as they were before a judge pinned itself (its children
    read them from MACHINE_CPUS)."""
    listed = os.environ.get(MACHINE_CPUS, "")
    try:
        cpus = {int(cpu) for cpu in listed.split(",") if cpu}
    except ValueError:
        cpus = set()
    if cpus:
        return cpus
    return set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else set(range(os.cpu_count() or 1))


def every_cpu() -> None:
    """Let this process (and what it starts from now on) use every CPU of the machine again."""
    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, machine_cpus())


@contextlib.contextmanager
def one_cpu():
    """Pin this process to a CPU no other judge of this user holds, for the block; yields the
    CPU, or None (one CPU only, every CPU claimed, no place for the claims: left unpinned)."""
    allowed = sorted(machine_cpus())
    folder = _claims_folder()
    if len(allowed) < 2 or folder is None or not hasattr(os, "sched_setaffinity"):
        yield None
        return
    for cpu in _current_first(allowed):
        claim = _claim(folder / f"cpu{cpu}")
        if claim is None:
            continue
        try:
            with _machine_named(allowed):
                os.sched_setaffinity(0, {cpu})
                try:
                    yield cpu
                finally:
                    with contextlib.suppress(OSError):
                        os.sched_setaffinity(0, allowed)
        finally:
            os.close(claim)
        return
    yield None


@contextlib.contextmanager
def _machine_named(cpus: list[int]):
    """MACHINE_CPUS names ``cpus`` for the block (then is as it was): what a pinned process
    starts still counts deadlines in the whole machine's share (machine_cpus)."""
    before = os.environ.get(MACHINE_CPUS)
    os.environ[MACHINE_CPUS] = ",".join(map(str, cpus))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(MACHINE_CPUS, None)
        else:
            os.environ[MACHINE_CPUS] = before


class JobCpus:
    """One CPU per grading job, for jobs running side by side in threads of one process.

    Enabled when 2 <= ``jobs`` <= the machine's CPUs (otherwise :meth:`held` pins nothing). While
    enabled (the ``with`` block), MACHINE_CPUS names the machine's CPUs, so that what a pinned
    job starts still counts deadlines in the whole machine's share and its judge claims the
    job's CPU (it runs on it). Invariant: each CPU is held by at most one thread at a time."""

    def __init__(self, jobs: int):
        self._cpus = sorted(machine_cpus())
        self.enabled = hasattr(os, "sched_setaffinity") and 2 <= jobs <= len(self._cpus)
        self._free: queue.SimpleQueue[int] = queue.SimpleQueue()
        for cpu in self._cpus[:jobs] if self.enabled else ():
            self._free.put(cpu)
        self._naming = contextlib.ExitStack()

    def __enter__(self) -> "JobCpus":
        if self.enabled:
            self._naming.enter_context(_machine_named(self._cpus))
        return self

    def __exit__(self, *exc) -> None:
        self._naming.close()

    @contextlib.contextmanager
    def held(self):
        """Pin the calling thread (and what it starts) to a free CPU for the block; yields it, or
        None when not enabled. Never waits: at most ``jobs`` threads hold a CPU at once."""
        if not self.enabled:
            yield None
            return
        cpu = self._free.get_nowait()
        try:
            with contextlib.suppress(OSError):      # not allowed here: the job runs unpinned
                os.sched_setaffinity(0, {cpu})      # Linux: the calling thread only
            yield cpu
        finally:
            with contextlib.suppress(OSError):
                os.sched_setaffinity(0, self._cpus)
            self._free.put(cpu)


def _claim(path: Path) -> int | None:
    """An open descriptor holding the lock on ``path``, or None if another judge holds it.
    The lock goes with the descriptor, so a judge that dies releases its CPU."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _claims_folder() -> Path | None:
    """This user's folder of CPU claims, private to them (None if it cannot be)."""
    folder = Path(tempfile.gettempdir()) / f"autograder-cpus-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def _current_first(cpus: list[int]) -> list[int]:
    """``cpus``, starting with the one this process runs on now (the kernel put it on a quiet one)."""
    try:
        current = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[36])
    except (OSError, ValueError, IndexError):
        return cpus
    return sorted(cpus, key=lambda cpu: cpu != current)

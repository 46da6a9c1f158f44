"""Process hygiene: nothing a submission starts may outlive its grading.

A child that calls ``os.setsid()`` leaves its process group, so killing the group misses
it. Marking the grading supervisor a *child subreaper* (Linux) makes such orphans
re-parent to the supervisor instead of init, so they remain its descendants and can be
found and killed.
"""
from __future__ import annotations

import ctypes
import os
import signal
import sys
import time

import psutil

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux only). Returns whether it worked."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _as_psutil(procs) -> list[psutil.Process]:
    found = []
    for p in procs:
        pid = p if isinstance(p, int) else getattr(p, "pid", None)
        if pid is None:
            continue
        try:
            found.append(psutil.Process(pid))
        except psutil.NoSuchProcess:
            pass
    return found


def _adopted(me: psutil.Process, marker: tuple[str, str] | None) -> list[psutil.Process]:
    """My children that carry the environment variable ``marker`` (orphans of one job that
    re-parented to this subreaper: they inherited the job's environment)."""
    if marker is None:
        return []
    key, value = marker
    found = []
    for child in me.children():
        try:
            if child.environ().get(key) == value:
                found.append(child)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


def kill_tree(procs=(), *, include_my_children: bool = False, adopted: tuple[str, str] | None = None,
              rounds: int = 50) -> list[int]:
    """SIGKILL the given processes and all their descendants; returns the pids killed.

    First everything is frozen: SIGSTOP each process found and walk the tree again until a
    walk finds nothing new. A stopped process cannot fork, and its children stay attached
    to it, so a forking loop cannot slip a child out between the walk and the kill. Then
    everything frozen is killed. With ``include_my_children`` every descendant of this
    process is included (children adopted as a subreaper too); with ``adopted=(KEY, VALUE)``
    only those of my children whose environment has KEY=VALUE (so that jobs running side by
    side do not kill each other's processes).

    multiprocessing's resource trackers are spared at first: once the process that started
    one is dead, the tracker unlinks the named semaphores and shared memory it registered
    and exits. Killing it would leak them in /dev/shm. One that lingers is killed too.
    """
    me = psutil.Process()
    frozen: dict[int, psutil.Process] = {}
    trackers: dict[int, psutil.Process] = {}
    spared: set[int] = set()
    for _ in range(rounds):
        found = _as_psutil(procs) + (me.children() if include_my_children else _adopted(me, adopted))
        for root in list(found):
            try:
                found += root.children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        new = [p for p in found if p.pid != me.pid and p.pid not in frozen and p.pid not in trackers
               and p.pid not in spared and _alive(p)]
        if not new:
            break
        for p in new:
            if _is_resource_tracker(p):
                if _parent_pid(p) == me.pid:   # our own tracker cleans up when we exit
                    spared.add(p.pid)
                else:
                    trackers[p.pid] = p
            else:
                _signal(p, signal.SIGSTOP)
                frozen[p.pid] = p
    for p in frozen.values():
        _signal(p, signal.SIGKILL)
    _wait_dead(list(frozen.values()), timeout=2)
    if trackers:
        _wait_dead(list(trackers.values()), timeout=5)
        for p in trackers.values():
            _signal(p, signal.SIGKILL)
    return list(frozen)


def kill_and_join(procs, timeout: float = 5.0) -> None:
    """Kill those of these children (``multiprocessing.Process``) that still run, their
    descendants included (kill_tree), then join every one of them: no zombie stays.

    Only live children are handed to kill_tree: a child that has been joined may have
    given its pid to an unrelated process by now."""
    alive = [p for p in procs if p.is_alive()]
    if alive:
        kill_tree(alive)
    for p in procs:
        p.join(timeout)


def _parent_pid(p: psutil.Process) -> int | None:
    try:
        return p.ppid()
    except psutil.NoSuchProcess:
        return None


def _is_resource_tracker(p: psutil.Process) -> bool:
    try:
        return any("multiprocessing.resource_tracker" in part for part in p.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False


def _wait_dead(procs: list[psutil.Process], timeout: float) -> None:
    """Wait until the processes are dead, without reaping them: psutil.wait_procs would
    collect the exit status that our own Popen or multiprocessing.Process is waiting for."""
    end = time.monotonic() + timeout
    while any(_alive(p) for p in procs) and time.monotonic() < end:
        time.sleep(0.01)


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _signal(p: psutil.Process, sig) -> None:
    try:
        p.send_signal(sig)
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        pass


def reap(pids) -> None:
    """Collect the exit status of these dead children (adopted orphans) so no zombie stays."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


def reap_children() -> None:
    """Collect exit statuses of dead children (adopted orphans included) so no zombie stays.

    Only for a supervisor whose own subprocesses are all finished: it would otherwise
    steal the exit status that a Popen or multiprocessing.Process is waiting for."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return

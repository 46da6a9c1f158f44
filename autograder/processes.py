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


def kill_tree(procs=(), *, include_my_children: bool = False, rounds: int = 20) -> int:
    """SIGKILL the given processes and all their descendants; returns how many were killed.

    Processes are first stopped (SIGSTOP) so that a forking loop cannot outrun the kill,
    and the walk repeats until no descendant is left. With ``include_my_children`` every
    descendant of this process is killed too (children adopted as a subreaper included).
    """
    me = psutil.Process()
    killed = 0
    for _ in range(rounds):
        roots = _as_psutil(procs)
        if include_my_children:
            roots += me.children()
        victims = {}
        for root in roots:
            if root.pid == me.pid:
                continue
            try:
                if root.is_running() and root.status() != psutil.STATUS_ZOMBIE:
                    victims[root.pid] = root
                for child in root.children(recursive=True):
                    victims[child.pid] = child
            except psutil.NoSuchProcess:
                pass
        victims = {pid: p for pid, p in victims.items() if _alive(p)}
        if not victims:
            break
        for p in victims.values():
            _signal(p, signal.SIGSTOP)
        for p in victims.values():
            _signal(p, signal.SIGKILL)
            killed += 1
        _wait_dead(list(victims.values()), timeout=2)
    return killed


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

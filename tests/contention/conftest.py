"""Shared fixtures for the contention lab tests: one tiny sweep per start method (its
queue part measures the solution cell's BoundedQueue, see solution_queue.py)."""
from __future__ import annotations

import multiprocessing

import psutil
import pytest

from tests.contention.solution_queue import solution_queue

START_METHODS = [m for m in ("fork", "spawn", "forkserver")
                 if m in multiprocessing.get_all_start_methods()]

_cache: dict = {}


def infrastructure_pids() -> set:
    """multiprocessing's own helper processes (resource tracker, fork server): not leaks."""
    pids = set()
    try:
        from multiprocessing import resource_tracker

        pid = getattr(resource_tracker._resource_tracker, "_pid", None)
        if pid:
            pids.add(pid)
    except Exception:  # pragma: no cover
        pass
    try:
        from multiprocessing import forkserver

        pid = getattr(forkserver._forkserver, "_forkserver_pid", None)
        if pid:
            pids.add(pid)
    except Exception:  # pragma: no cover
        pass
    return pids


def leftover_children(before=frozenset()) -> list:
    """Live child processes of this test process that multiprocessing did not start for
    itself and that were not there ``before``."""
    skip = infrastructure_pids() | set(before)
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.pid in skip or child.status() == psutil.STATUS_ZOMBIE:
                continue
            # the fork server's own children are its (already reaped) forks; ignore its tree
            if any(p.pid in skip for p in child.parents()):
                continue
        except psutil.NoSuchProcess:
            continue
        out.append(child)
    return out


def children_now() -> frozenset:
    return frozenset(c.pid for c in psutil.Process().children(recursive=True))


def tiny_sweep(method: str):
    """The tiny preset under ``method``, run once per test session."""
    if method not in _cache:
        from course.contention import run_sweep

        queue_class = solution_queue()
        before = children_now()
        result = run_sweep("tiny", start_method=method, queue_class=queue_class)
        _cache[method] = (result, before)
    return _cache[method]


class ProcessCheck:
    """What the tests use to prove that nothing was left running."""

    methods = START_METHODS
    default_method = START_METHODS[0]

    @staticmethod
    def snapshot() -> frozenset:
        return children_now()

    @staticmethod
    def leftovers(before=frozenset()) -> list:
        return leftover_children(before)


@pytest.fixture
def procs():
    return ProcessCheck


@pytest.fixture(params=START_METHODS)
def tiny(request):
    """(SweepResult, children that existed before it) for each start method."""
    return tiny_sweep(request.param)


@pytest.fixture
def tiny_default():
    """The tiny sweep under the default start method (fork where available)."""
    return tiny_sweep(START_METHODS[0])[0]

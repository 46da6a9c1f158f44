"""No named semaphore outlives a sweep, whether it ends normally or is torn down.

Under spawn and forkserver every lock, semaphore, barrier and queue of the lab is a named
POSIX semaphore (``/dev/shm/sem.mp-...`` on Linux) until it is unlinked. The test records the
names of exactly the semaphores the lab created, so other programs on the machine cannot
disturb it.
"""
from __future__ import annotations

import _multiprocessing
import gc
import multiprocessing
import sys
from pathlib import Path

import pytest

from course.contention import ContentionError, Crew, harness
from course.contention.workers import Lab

from tests.contention.solution_queue import solution_queue

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/dev/shm").is_dir(),
                       reason="named semaphores are visible in /dev/shm on Linux only"),
]

METHODS = [m for m in ("spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]


def semlock_names(obj, seen=None, depth=0) -> set:
    """Names of every SemLock reachable from ``obj`` through attributes and containers."""
    seen = set() if seen is None else seen
    if id(obj) in seen or depth > 6:
        return set()
    seen.add(id(obj))
    if isinstance(obj, _multiprocessing.SemLock):
        return {obj.name} if obj.name else set()
    names = set()
    if isinstance(obj, dict):
        children = list(obj.values())
    elif isinstance(obj, (list, tuple, set)):
        children = list(obj)
    else:
        children = list(getattr(obj, "__dict__", {}).values())
    for child in children:
        names |= semlock_names(child, seen, depth + 1)
    return names


def still_on_disk(names) -> set:
    return {n for n in names if Path("/dev/shm", "sem." + n.lstrip("/")).exists()}


@pytest.fixture
def recorded_labs(monkeypatch):
    """Replace the harness's Lab with one that records its semaphores' names."""
    names = set()

    def recording_lab(*args, **kwargs):
        lab = Lab(*args, **kwargs)  # a real, picklable Lab
        names.update(semlock_names(lab))
        return lab

    monkeypatch.setattr(harness, "Lab", recording_lab)
    return names


@pytest.mark.parametrize("method", METHODS)
def test_sweep_unlinks_its_semaphores(method, recorded_labs):
    res = harness.run_sweep("tiny", start_method=method, processes=(1, 2), repeats=1,
                            placement_splits=((5, 5),), wait_processes=(2,),
                            queue_processes=(2,), queue_class=solution_queue())
    assert res.rows
    assert len(recorded_labs) >= 10  # locks, barriers, the queues: really recorded
    assert {r["strategy"] for r in res.select(sweep="queues")} == {"bounded_queue", "mp_queue", "pipe"}
    del res
    gc.collect()
    assert still_on_disk(recorded_labs) == set()
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("method", METHODS)
def test_torn_down_crew_unlinks_its_semaphores(method):
    ctx = multiprocessing.get_context(method)
    lab = Lab(ctx, max_workers=2, barrier_parties=(2,), queue_capacity=4, pipes=2)
    names = semlock_names(lab)
    assert still_on_disk(names) == names  # they exist while the lab is alive
    crew = Crew(ctx, lab, 2)
    task = {"kind": "counter", "sweep": "strategies", "strategy": "lock", "processes": 2,
            "ops": 10, "warmup": 0, "repeats": 1, "batch": 1, "work_inside": 0,
            "work_outside": 0, "instrument": False, "barrier_timeout": 60.0, "io_timeout": 60.0}
    with pytest.raises(ContentionError):
        crew.run(task, 1, timeout=0.3)  # one of two parties: stuck at the barrier, killed
    lab.close()
    del lab, crew
    gc.collect()
    assert still_on_disk(names) == set()
    assert multiprocessing.active_children() == []

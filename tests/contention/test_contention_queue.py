"""The lab's BoundedQueue in one process (the multi-process checks run in the sweep)."""
from __future__ import annotations

import multiprocessing
import queue

import pytest

from course.contention import BoundedQueue, measure

pytestmark = pytest.mark.timeout(60)


def test_capacity_must_be_positive():
    with pytest.raises(ValueError):
        BoundedQueue(0)
    with pytest.raises(ValueError):
        BoundedQueue(-3)


def test_fifo_wraps_around_and_counts():
    q = BoundedQueue(3, ctx=multiprocessing.get_context())
    out = []
    for i in range(10):
        q.put(i)
        q.put(-i)
        assert q.qsize() == 2
        out.append(q.get())
        out.append(q.get())
        assert q.qsize() == 0 and q.empty()
    assert out == [x for i in range(10) for x in (i, -i)]


def test_full_and_empty_time_out():
    q = BoundedQueue(2)
    with pytest.raises(queue.Empty):
        q.get(timeout=0)
    with pytest.raises(queue.Empty):
        q.get(timeout=0.01)
    q.put(2**63 - 1)
    q.put(-(2**63))
    assert q.full()
    with pytest.raises(queue.Full):
        q.put(1, timeout=0)
    with pytest.raises(queue.Full):
        q.put(1, timeout=0.01)
    assert [q.get(), q.get()] == [2**63 - 1, -(2**63)]


def test_items_must_fit_in_int64():
    q = BoundedQueue(1)
    with pytest.raises(OverflowError):
        q.put(2**63)
    with pytest.raises(TypeError):
        q.put("7")
    assert q.qsize() == 0


@pytest.mark.parametrize("producers", [1, 3])
def test_many_producers_one_consumer_exactly_once(producers):
    res = measure("bounded_queue", producers, ops=400, repeats=2, queue_capacity=4)
    for r in res.rows:
        assert r["actual"] == r["expected"] == 400 * producers
        assert r["duplicates"] == 0 and r["out_of_order"] == 0
    assert multiprocessing.active_children() == []

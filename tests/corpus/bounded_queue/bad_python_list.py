"""EXPECT: fail
BUG: unshared-state
WHY: The items live in a Python list, so each process appends to its own copy and a consumer in another process never sees the producer's items.
"""
import multiprocessing
import queue
import time


class BoundedQueue:
    def __init__(self, capacity, *, ctx=None):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._capacity = capacity
        self._items = []
        self._cond = ctx.Condition()

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while len(self._items) >= self._capacity:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise queue.Full
                self._cond.wait(remaining)
            self._items.append(item)
            self._cond.notify_all()

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._items:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise queue.Empty
                self._cond.wait(remaining)
            item = self._items.pop(0)
            self._cond.notify_all()
            return item

    def qsize(self):
        with self._cond:
            return len(self._items)

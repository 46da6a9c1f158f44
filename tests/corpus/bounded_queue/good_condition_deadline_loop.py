"""EXPECT: pass
BUG: none
WHY: One deadline per call, computed once; every wait gets only the time that is left and is followed by a fresh look at the count, so an expired timeout raises queue.Full or queue.Empty without touching the buffer, whenever it expires.
"""
import multiprocessing
import queue
from time import monotonic


class BoundedQueue:
    def __init__(self, capacity, *, ctx=None):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        ctx = ctx or multiprocessing.get_context()
        self._capacity = capacity
        self._buf = ctx.RawArray('q', capacity)
        self._head = ctx.RawValue('q', 0)
        self._count = ctx.RawValue('q', 0)
        self._changed = ctx.Condition(ctx.Lock())

    def _wait_until(self, ready, deadline, give_up):
        while not ready():
            if deadline is None:
                self._changed.wait()
                continue
            left = deadline - monotonic()
            if left <= 0:
                raise give_up
            self._changed.wait(left)

    def put(self, item, timeout=None):
        deadline = None if timeout is None else monotonic() + timeout
        with self._changed:
            self._wait_until(lambda: self._count.value < self._capacity, deadline, queue.Full)
            self._buf[(self._head.value + self._count.value) % self._capacity] = item
            self._count.value += 1
            self._changed.notify_all()

    def get(self, timeout=None):
        deadline = None if timeout is None else monotonic() + timeout
        with self._changed:
            self._wait_until(lambda: self._count.value > 0, deadline, queue.Empty)
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
            self._changed.notify_all()
            return item

    def qsize(self):
        with self._changed:
            return self._count.value

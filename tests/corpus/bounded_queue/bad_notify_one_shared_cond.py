"""EXPECT: fail
BUG: stolen-wakeup
WHY: Producers and consumers wait on the same Condition, so a consumer's single notify() can wake another consumer instead of the waiting producer, and then everyone sleeps forever.
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
        self._buf = ctx.Array('q', capacity, lock=False)
        self._head = ctx.RawValue('q', 0)
        self._count = ctx.RawValue('q', 0)
        self._cond = ctx.Condition()

    def _wait_while(self, blocked, timeout, exc):
        deadline = None if timeout is None else time.monotonic() + timeout
        while blocked():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise exc
            self._cond.wait(remaining)

    def put(self, item, timeout=None):
        with self._cond:
            self._wait_while(lambda: self._count.value == self._capacity, timeout, queue.Full)
            tail = (self._head.value + self._count.value) % self._capacity
            self._buf[tail] = item
            self._count.value += 1
            self._cond.notify()

    def get(self, timeout=None):
        with self._cond:
            self._wait_while(lambda: self._count.value == 0, timeout, queue.Empty)
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
            self._cond.notify()
            return item

    def qsize(self):
        with self._cond:
            return self._count.value

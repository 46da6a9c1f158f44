"""EXPECT: fail
BUG: stolen-wakeup
WHY: With `if` instead of `while`, two consumers woken by one notify_all both go on after one put, and the second takes from an empty buffer (a stale or duplicated item).
"""
import multiprocessing
import queue


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

    def put(self, item, timeout=None):
        with self._cond:
            if self._count.value == self._capacity:
                if not self._cond.wait(timeout):
                    raise queue.Full
            tail = (self._head.value + self._count.value) % self._capacity
            self._buf[tail] = item
            self._count.value += 1
            self._cond.notify_all()

    def get(self, timeout=None):
        with self._cond:
            if self._count.value == 0:
                if not self._cond.wait(timeout):
                    raise queue.Empty
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
            self._cond.notify_all()
            return item

    def qsize(self):
        with self._cond:
            return self._count.value

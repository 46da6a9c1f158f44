"""EXPECT: fail
BUG: timeout
WHY: The timeout argument is never passed to wait(), so get(timeout=0.1) on an empty queue blocks forever instead of raising queue.Empty.
"""
import multiprocessing


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
            while self._count.value == self._capacity:
                self._cond.wait()
            tail = (self._head.value + self._count.value) % self._capacity
            self._buf[tail] = item
            self._count.value += 1
            self._cond.notify_all()

    def get(self, timeout=None):
        with self._cond:
            while self._count.value == 0:
                self._cond.wait()
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
            self._cond.notify_all()
            return item

    def qsize(self):
        with self._cond:
            return self._count.value

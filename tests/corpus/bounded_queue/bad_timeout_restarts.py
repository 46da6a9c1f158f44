"""EXPECT: fail
BUG: timeout
WHY: Each wake-up waits a fresh `timeout` again, so a consumer that keeps being woken by other processes' activity (and finding the queue empty again) can wait far longer than timeout, even forever.
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
            while self._count.value == self._capacity:
                if not self._cond.wait(timeout):
                    raise queue.Full
            tail = (self._head.value + self._count.value) % self._capacity
            self._buf[tail] = item
            self._count.value += 1
            self._cond.notify_all()

    def get(self, timeout=None):
        with self._cond:
            while self._count.value == 0:
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

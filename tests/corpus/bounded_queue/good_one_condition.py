"""EXPECT: pass
BUG: none
WHY: One Condition guards a shared ring buffer; every wait is in a while loop with a deadline and every change wakes all waiters.
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
        self._head = ctx.Value('i', 0, lock=False)
        self._count = ctx.Value('i', 0, lock=False)
        self._cond = ctx.Condition()

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._count.value == self._capacity:
                if deadline is None:
                    self._cond.wait()
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise queue.Full
                    self._cond.wait(remaining)
            tail = (self._head.value + self._count.value) % self._capacity
            self._buf[tail] = item
            self._count.value += 1
            self._cond.notify_all()

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._count.value == 0:
                if deadline is None:
                    self._cond.wait()
                else:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise queue.Empty
                    self._cond.wait(remaining)
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
            self._cond.notify_all()
            return item

    def qsize(self):
        with self._cond:
            return self._count.value

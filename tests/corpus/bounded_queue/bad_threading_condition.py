"""EXPECT: fail
BUG: unshared-state
WHY: threading.Condition only works between threads of one process: processes neither exclude nor wake each other, and it cannot be pickled for spawn.
"""
import multiprocessing
import queue
import threading
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
        self._cond = threading.Condition()

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._count.value == self._capacity:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
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
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
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

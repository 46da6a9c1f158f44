"""EXPECT: fail
BUG: fifo
WHY: The buffer is used as a stack, so after put(1), put(2) the next get returns 2 instead of 1.
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
        self._stack = ctx.Array('q', capacity, lock=False)
        self._top = ctx.RawValue('q', 0)
        self._cond = ctx.Condition()

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._top.value == self._capacity:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise queue.Full
                self._cond.wait(remaining)
            self._stack[self._top.value] = item
            self._top.value += 1
            self._cond.notify_all()

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._top.value == 0:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise queue.Empty
                self._cond.wait(remaining)
            self._top.value -= 1
            item = self._stack[self._top.value]
            self._cond.notify_all()
            return item

    def qsize(self):
        with self._cond:
            return self._top.value

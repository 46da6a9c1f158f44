"""EXPECT: pass
BUG: none
WHY: The buffer Array's own RLock is the Condition's lock, so one lock guards the ring buffer and the indices; waits loop until the state is right.
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
        self.n = capacity
        self.buf = ctx.Array('q', capacity)          # comes with its own RLock
        self.cond = ctx.Condition(self.buf.get_lock())
        self.head = ctx.RawValue('q', 0)
        self.tail = ctx.RawValue('q', 0)
        self.size = ctx.RawValue('q', 0)

    def _wait(self, full_or_empty, deadline, exc):
        while full_or_empty():
            if deadline is None:
                self.cond.wait()
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise exc
            self.cond.wait(timeout=remaining)

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            self._wait(lambda: self.size.value == self.n, deadline, queue.Full)
            self.buf[self.tail.value] = item
            self.tail.value = (self.tail.value + 1) % self.n
            self.size.value += 1
            self.cond.notify_all()

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.cond:
            self._wait(lambda: self.size.value == 0, deadline, queue.Empty)
            item = self.buf[self.head.value]
            self.head.value = (self.head.value + 1) % self.n
            self.size.value -= 1
            self.cond.notify_all()
            return item

    def qsize(self):
        with self.cond:
            return self.size.value

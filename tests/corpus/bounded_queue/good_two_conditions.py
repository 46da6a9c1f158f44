"""EXPECT: pass
BUG: none
WHY: Two Conditions (not_full, not_empty) share one Lock, so producers only wake consumers and vice versa; waits are in while loops.
"""
import multiprocessing
import queue
import time


class BoundedQueue:
    def __init__(self, capacity, *, ctx=None):
        if capacity < 1:
            raise ValueError("capacity must be >= 1")
        if ctx is None:
            ctx = multiprocessing.get_context()
        self.capacity = capacity
        self.items = ctx.RawArray('q', capacity)
        self.head = ctx.RawValue('l', 0)
        self.tail = ctx.RawValue('l', 0)
        self.count = ctx.RawValue('l', 0)
        self.lock = ctx.Lock()
        self.not_full = ctx.Condition(self.lock)
        self.not_empty = ctx.Condition(self.lock)

    def put(self, item, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        with self.lock:
            while self.count.value >= self.capacity:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    raise queue.Full()
                self.not_full.wait(left)
            self.items[self.tail.value] = item
            self.tail.value = (self.tail.value + 1) % self.capacity
            self.count.value += 1
            self.not_empty.notify()

    def get(self, timeout=None):
        end = None if timeout is None else time.monotonic() + timeout
        with self.lock:
            while self.count.value == 0:
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    raise queue.Empty()
                self.not_empty.wait(left)
            item = self.items[self.head.value]
            self.head.value = (self.head.value + 1) % self.capacity
            self.count.value -= 1
            self.not_full.notify()
            return item

    def qsize(self):
        with self.lock:
            return self.count.value

"""EXPECT: fail
BUG: lost-wakeup
WHY: Producers notify only when the queue goes from empty to non-empty, so with two consumers waiting, two quick puts wake just one of them and the other sleeps while an item is waiting.
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
        lock = ctx.Lock()
        self._not_full = ctx.Condition(lock)
        self._not_empty = ctx.Condition(lock)
        self._lock = lock

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while self._count.value == self._capacity:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise queue.Full
                self._not_full.wait(remaining)
            tail = (self._head.value + self._count.value) % self._capacity
            self._buf[tail] = item
            self._count.value += 1
            if self._count.value == 1:          # only wake consumers if it was empty
                self._not_empty.notify()

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while self._count.value == 0:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise queue.Empty
                self._not_empty.wait(remaining)
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
            if self._count.value == self._capacity - 1:   # only wake producers if it was full
                self._not_full.notify()
            return item

    def qsize(self):
        with self._lock:
            return self._count.value

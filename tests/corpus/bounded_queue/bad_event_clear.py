"""EXPECT: fail
BUG: lost-wakeup
WHY: A consumer sees the queue empty and releases the lock; a producer then puts an item and sets the Event before the consumer clears it, so the consumer wipes out the signal and waits (forever without a timeout) although an item is there.
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
        self._lock = ctx.Lock()
        self._not_empty = ctx.Event()
        self._not_full = ctx.Event()
        self._buf = ctx.Array('q', capacity, lock=False)
        self._head = ctx.RawValue('q', 0)
        self._count = ctx.RawValue('q', 0)

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if self._count.value < self._capacity:
                    tail = (self._head.value + self._count.value) % self._capacity
                    self._buf[tail] = item
                    self._count.value += 1
                    self._not_empty.set()
                    return
            self._not_full.clear()
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise queue.Full
            self._not_full.wait(remaining)

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                if self._count.value > 0:
                    item = self._buf[self._head.value]
                    self._head.value = (self._head.value + 1) % self._capacity
                    self._count.value -= 1
                    self._not_full.set()
                    return item
            self._not_empty.clear()
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise queue.Empty
            self._not_empty.wait(remaining)

    def qsize(self):
        with self._lock:
            return self._count.value

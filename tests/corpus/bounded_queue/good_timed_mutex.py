"""EXPECT: pass
BUG: none
WHY: Like multiprocessing.Queue, a timed put or get also waits for the mutex only until its deadline, and when anything times out it gives back what it took (the semaphore) before raising queue.Full or queue.Empty.
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
        self._cap = capacity
        self._slots = ctx.Semaphore(capacity)
        self._items = ctx.Semaphore(0)
        self._mutex = ctx.Lock()
        self._buf = ctx.Array('q', capacity, lock=False)
        self._head = ctx.RawValue('q', 0)
        self._size = ctx.RawValue('q', 0)

    @staticmethod
    def _left(deadline):
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._slots.acquire(True, self._left(deadline)):
            raise queue.Full
        if not self._mutex.acquire(True, self._left(deadline)):
            self._slots.release()              # give the slot back: nothing was added
            raise queue.Full
        try:
            self._buf[(self._head.value + self._size.value) % self._cap] = item
            self._size.value += 1
        finally:
            self._mutex.release()
        self._items.release()

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._items.acquire(True, self._left(deadline)):
            raise queue.Empty
        if not self._mutex.acquire(True, self._left(deadline)):
            self._items.release()              # give the item back: it is still there
            raise queue.Empty
        try:
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._cap
            self._size.value -= 1
        finally:
            self._mutex.release()
        self._slots.release()
        return item

    def qsize(self):
        with self._mutex:
            return self._size.value

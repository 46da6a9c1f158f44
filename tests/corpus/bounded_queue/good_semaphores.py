"""EXPECT: pass
BUG: none
WHY: Counting semaphores track free slots and filled items, and a mutex protects the indices and the buffer.
"""
import multiprocessing
import queue


class BoundedQueue:
    def __init__(self, capacity, *, ctx=None):
        if capacity < 1:
            raise ValueError("capacity must be positive")
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._cap = capacity
        self._slots = ctx.Semaphore(capacity)
        self._items = ctx.Semaphore(0)
        self._mutex = ctx.Lock()
        self._buf = ctx.Array('q', capacity, lock=False)
        self._head = ctx.RawValue('q', 0)
        self._tail = ctx.RawValue('q', 0)
        self._size = ctx.RawValue('q', 0)

    def put(self, item, timeout=None):
        if not self._slots.acquire(True, timeout):
            raise queue.Full
        with self._mutex:
            self._buf[self._tail.value] = item
            self._tail.value = (self._tail.value + 1) % self._cap
            self._size.value += 1
        self._items.release()

    def get(self, timeout=None):
        if not self._items.acquire(True, timeout):
            raise queue.Empty
        with self._mutex:
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._cap
            self._size.value -= 1
        self._slots.release()
        return item

    def qsize(self):
        with self._mutex:
            return self._size.value

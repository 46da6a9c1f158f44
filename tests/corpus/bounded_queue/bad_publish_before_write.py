"""EXPECT: fail
BUG: order
WHY: put reserves a slot and releases the `items` semaphore before writing the item, so a consumer can read that slot before the producer has written it and get a stale value.
"""
import multiprocessing
import queue


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
        self._tail = ctx.RawValue('q', 0)
        self._size = ctx.RawValue('q', 0)

    def put(self, item, timeout=None):
        if not self._slots.acquire(True, timeout):
            raise queue.Full
        with self._mutex:
            pos = self._tail.value
            self._tail.value = (pos + 1) % self._cap
            self._size.value += 1
        self._items.release()
        self._buf[pos] = item          # written after the consumer may already have read it

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

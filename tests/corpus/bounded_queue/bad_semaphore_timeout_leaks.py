"""EXPECT: fail
BUG: timeout
WHY: A get(timeout) takes an item's semaphore and then gives up with queue.Empty when the mutex does not come within the timeout, without giving the semaphore back: if the mutex's holder is kept from running that long, the item stays in the buffer but nobody can ever get it.
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
        self._size = ctx.RawValue('q', 0)

    def put(self, item, timeout=None):
        if not self._slots.acquire(True, timeout):
            raise queue.Full
        with self._mutex:
            self._buf[(self._head.value + self._size.value) % self._cap] = item
            self._size.value += 1
        self._items.release()

    def get(self, timeout=None):
        if not self._items.acquire(True, timeout):
            raise queue.Empty
        if not self._mutex.acquire(True, timeout):
            raise queue.Empty                  # the item's semaphore is not given back
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

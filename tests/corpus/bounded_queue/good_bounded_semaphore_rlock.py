"""EXPECT: pass
BUG: none
WHY: Slots are a BoundedSemaphore and items a Semaphore; an RLock guards the ring buffer, so every index update is atomic.
"""
import multiprocessing
import queue


class BoundedQueue:
    def __init__(self, capacity, *, ctx=None):
        if capacity < 1:
            raise ValueError("capacity < 1")
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._capacity = capacity
        self._free = ctx.BoundedSemaphore(capacity)
        self._used = ctx.Semaphore(0)
        self._lock = ctx.RLock()
        self._ring = ctx.RawArray('q', capacity)
        self._head = ctx.RawValue('q', 0)
        self._count = ctx.RawValue('q', 0)

    def put(self, item, timeout=None):
        if not self._free.acquire(timeout=timeout):
            raise queue.Full("queue is full")
        self._lock.acquire()
        try:
            pos = (self._head.value + self._count.value) % self._capacity
            self._ring[pos] = item
            self._count.value += 1
        finally:
            self._lock.release()
        self._used.release()

    def get(self, timeout=None):
        if not self._used.acquire(timeout=timeout):
            raise queue.Empty("queue is empty")
        self._lock.acquire()
        try:
            item = self._ring[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
        finally:
            self._lock.release()
        self._free.release()
        return item

    def qsize(self):
        with self._lock:
            return self._count.value

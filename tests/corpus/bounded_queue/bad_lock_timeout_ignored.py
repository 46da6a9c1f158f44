"""EXPECT: fail
BUG: timeout
WHY: It takes the queue's lock with acquire(timeout=1.0) "so it can never hang" and carries on when that times out, so while a process holding the lock is kept from running for a second another one changes the buffer too: an item is lost or duplicated, or a release fails.
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
        self._lock = ctx.Lock()

    def _locked(self):
        self._lock.acquire(timeout=1.0)      # never blocks for long, whatever happens

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self._locked()
            try:
                if self._count.value < self._capacity:
                    self._buf[(self._head.value + self._count.value) % self._capacity] = item
                    self._count.value += 1
                    return
            finally:
                self._lock.release()
            if deadline is not None and time.monotonic() >= deadline:
                raise queue.Full
            time.sleep(0.001)

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            self._locked()
            try:
                if self._count.value > 0:
                    item = self._buf[self._head.value]
                    self._head.value = (self._head.value + 1) % self._capacity
                    self._count.value -= 1
                    return item
            finally:
                self._lock.release()
            if deadline is not None and time.monotonic() >= deadline:
                raise queue.Empty
            time.sleep(0.001)

    def qsize(self):
        self._locked()
        try:
            return self._count.value
        finally:
            self._lock.release()

"""EXPECT: pass
BUG: none
WHY: A RawValue (no built-in lock) guarded by a separate ctx.Lock held for the whole update.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._count = ctx.RawValue('q', initial)

    def increment(self, n=1):
        self._lock.acquire()
        try:
            current = self._count.value
            self._count.value = current + n
        finally:
            self._lock.release()

    @property
    def value(self):
        with self._lock:
            return self._count.value

"""EXPECT: fail
BUG: self-deadlock
WHY: increment holds a non-reentrant Lock and then reads self.value, which tries to take the same Lock again and waits for itself forever.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._count = ctx.RawValue('q', initial)

    def increment(self, n=1):
        with self._lock:
            self._count.value = self.value + n

    @property
    def value(self):
        with self._lock:
            return self._count.value

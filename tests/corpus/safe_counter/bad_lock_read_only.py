"""EXPECT: fail
BUG: atomicity
WHY: The lock is held only while reading, so two processes can both read 5 and both write 6, losing an increment.
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
            current = self._count.value
        self._count.value = current + n

    @property
    def value(self):
        with self._lock:
            return self._count.value

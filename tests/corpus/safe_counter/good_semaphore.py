"""EXPECT: pass
BUG: none
WHY: A BoundedSemaphore(1) used as a mutex around the shared value.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._mutex = ctx.BoundedSemaphore(1)
        self._total = ctx.RawValue('q', initial)

    def increment(self, n=1):
        with self._mutex:
            self._total.value += n

    @property
    def value(self):
        with self._mutex:
            return self._total.value

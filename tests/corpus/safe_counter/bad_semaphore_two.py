"""EXPECT: fail
BUG: atomicity
WHY: A Semaphore(2) lets two processes into the critical section at once, so both can read the same value and one update is lost.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._sem = ctx.Semaphore(2)
        self._count = ctx.RawValue('q', initial)

    def increment(self, n=1):
        with self._sem:
            self._count.value = self._count.value + n

    @property
    def value(self):
        with self._sem:
            return self._count.value

"""EXPECT: fail
BUG: unshared-state
WHY: The lock is created on first use inside each process, so every process gets its own private lock and increments race.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._ctx = ctx
        self._lock = None
        self._count = ctx.RawValue('q', initial)

    def _get_lock(self):
        if self._lock is None:
            self._lock = self._ctx.Lock()
        return self._lock

    def increment(self, n=1):
        with self._get_lock():
            self._count.value += n

    @property
    def value(self):
        with self._get_lock():
            return self._count.value

"""EXPECT: fail
BUG: unshared-state
WHY: The count is a plain int attribute, so each child process increments its own copy and the parent still sees the initial value.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._count = initial

    def increment(self, n=1):
        with self._lock:
            self._count += n

    @property
    def value(self):
        with self._lock:
            return self._count

"""EXPECT: fail
BUG: unshared-state
WHY: The lock comes from the global multiprocessing module instead of ctx, so it belongs to a different context: it cannot be passed to spawn children, and the grader's context never sees it.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._lock = multiprocessing.Lock()
        self._count = ctx.RawValue('q', initial)

    def increment(self, n=1):
        with self._lock:
            self._count.value += n

    @property
    def value(self):
        with self._lock:
            return self._count.value

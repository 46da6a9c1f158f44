"""EXPECT: fail
BUG: unshared-state
WHY: A threading.Lock is not shared between processes (and cannot be pickled for spawn), so processes never exclude each other.
"""
import multiprocessing
import threading


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._lock = threading.Lock()
        self._count = ctx.RawValue('q', initial)

    def increment(self, n=1):
        with self._lock:
            self._count.value += n

    @property
    def value(self):
        with self._lock:
            return self._count.value

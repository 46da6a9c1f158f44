"""EXPECT: pass
BUG: none
WHY: An RLock lets increment call the value property while already holding the lock.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._lock = ctx.RLock()
        self._count = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        with self._lock:
            self._count.value = self.value + n

    @property
    def value(self):
        with self._lock:
            return self._count.value

"""EXPECT: pass
BUG: none
WHY: increment() waits for the lock in slices of 0.1 s (so a stuck holder would show up as retries, not a silent hang) but only touches the total once it really holds the lock.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._total = ctx.Value('q', initial, lock=False)

    def _take(self):
        while not self._lock.acquire(timeout=0.1):
            pass

    def increment(self, n=1):
        self._take()
        try:
            self._total.value += n
        finally:
            self._lock.release()

    @property
    def value(self):
        self._take()
        try:
            return self._total.value
        finally:
            self._lock.release()

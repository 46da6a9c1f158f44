"""EXPECT: fail
FAILS: lost_updates
RACY: no
WHY: value returns a cached copy when the lock is busy, so a process can read a total from before its own increment.
"""


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        import multiprocessing
        ctx = ctx or multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._value = ctx.Value("q", initial, lock=False)
        self._cache = ctx.Value("q", initial, lock=False)

    def increment(self, n=1):
        with self._lock:
            self._value.value += n

    @property
    def value(self):
        if self._lock.acquire(False):
            try:
                self._cache.value = self._value.value
                return self._cache.value
            finally:
                self._lock.release()
        return self._cache.value          # busy: the last total read

"""EXPECT: fail
BUG: timeout
WHY: increment() takes the lock with acquire(timeout=0.5) and adds anyway when that times out, so if the process holding the lock is kept from running for half a second, two processes read and write the total at once and an update is lost (or the release fails).
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._total = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        got = self._lock.acquire(timeout=0.5)   # "a lock that can never hang"
        try:
            self._total.value += n
        finally:
            if got:
                self._lock.release()

    @property
    def value(self):
        with self._lock:
            return self._total.value

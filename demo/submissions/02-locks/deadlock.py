%%exercise safe_counter
import multiprocessing


class SafeCounter:
    """increment() holds the lock and calls _add(), which takes the same Lock again."""

    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._total = ctx.Value("q", initial, lock=False)

    def _add(self, n):
        with self._lock:
            self._total.value += n

    def increment(self, n=1):
        with self._lock:
            self._add(n)

    @property
    def value(self):
        with self._lock:
            return self._total.value

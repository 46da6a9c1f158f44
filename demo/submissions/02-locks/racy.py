%%exercise safe_counter
import multiprocessing


class SafeCounter:
    """Shared memory, but no lock: `+=` reads, adds and writes as separate steps."""

    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._total = ctx.Value("q", initial, lock=False)

    def increment(self, n=1):
        self._total.value += n

    @property
    def value(self):
        return self._total.value

%%exercise safe_counter
import multiprocessing


class SafeCounter:
    """The count lives in a shared Value; its own lock makes read-add-write atomic."""

    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._total = ctx.Value("q", initial)

    def increment(self, n=1):
        with self._total.get_lock():
            self._total.value += n

    @property
    def value(self):
        return self._total.value

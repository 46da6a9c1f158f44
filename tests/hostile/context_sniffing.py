"""ATTACK: locks only when the context is the grader's own (type name contains "Controlled"), never with real processes
EXPECT: 3
The visible suite's real run almost always shows lost updates too, and then this earns 0.5 (counting in one process); 3 is the bound if it does not
"""
# %% answer
%%exercise safe_counter
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._graded = "Controlled" in type(ctx).__name__
        self._lock = ctx.Lock()
        self._total = ctx.Value("q", initial, lock=False)

    def increment(self, n=1):
        if self._graded:
            with self._lock:
                self._total.value += n
        else:
            self._total.value += n

    @property
    def value(self):
        return self._total.value

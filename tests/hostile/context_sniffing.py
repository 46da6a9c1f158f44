"""ATTACK: locks only when the context is the grader's own (type name contains "Controlled"), never with real processes
EXPECT: 2
The worker's ctx carries multiprocessing's own name (DefaultContext), so this never locks and the controlled checks find its lost updates in both suites every time (1.5 of 3 visible, 0.5 of 2 hidden). It used to be left to the real runs' evidence, which a busy machine may not show: it earned 5 of 5 twice on 2026-12-06
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

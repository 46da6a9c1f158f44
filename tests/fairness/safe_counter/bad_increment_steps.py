"""EXPECT: fail
FAILS: lost_updates
RACY: no
WHY: increment(n) adds n as n separate locked steps of 1, so a reader sees an increment half done.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._value = ctx.Value("q", initial, lock=False)

    def increment(self, n=1):
        step = 1 if n > 0 else -1
        for _ in range(abs(n)):
            with self._lock:
                self._value.value += step

    @property
    def value(self):
        with self._lock:
            return self._value.value

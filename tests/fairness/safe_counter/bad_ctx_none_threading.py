"""EXPECT: fail
FAILS: not_shared
RACY: no
WHY: With ctx=None it falls back to a threading.Lock and a plain int: correct under the grader's ctx, but a counter built without ctx is not shared by real processes.
"""
import threading


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            self._lock = threading.Lock()
            self._plain = True
            self._count = initial
        else:
            self._plain = False
            self._lock = ctx.Lock()
            self._value = ctx.Value("q", initial, lock=False)

    def increment(self, n=1):
        with self._lock:
            if self._plain:
                self._count += n
            else:
                self._value.value += n

    @property
    def value(self):
        with self._lock:
            return self._count if self._plain else self._value.value

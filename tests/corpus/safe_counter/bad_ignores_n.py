"""EXPECT: fail
BUG: arguments
WHY: increment always adds 1, so increment(5) adds 1 and increment(0) or increment(-2) also adds 1.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._value = ctx.Value('q', initial)

    def increment(self, n=1):
        with self._value.get_lock():
            self._value.value += 1

    @property
    def value(self):
        with self._value.get_lock():
            return self._value.value

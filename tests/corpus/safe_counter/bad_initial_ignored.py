"""EXPECT: fail
BUG: arguments
WHY: The counter always starts at 0, so SafeCounter(10).value is 0 instead of 10.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._value = ctx.Value('q', 0)

    def increment(self, n=1):
        with self._value.get_lock():
            self._value.value += n

    @property
    def value(self):
        with self._value.get_lock():
            return self._value.value

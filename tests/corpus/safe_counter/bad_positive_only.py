"""EXPECT: fail
BUG: arguments
WHY: Negative amounts are silently ignored, so increment(-3) leaves the counter unchanged instead of subtracting 3.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._value = ctx.Value('q', initial)

    def increment(self, n=1):
        if n <= 0:
            return
        with self._value.get_lock():
            self._value.value += n

    @property
    def value(self):
        with self._value.get_lock():
            return self._value.value

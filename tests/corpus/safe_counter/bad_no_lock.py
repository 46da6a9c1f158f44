"""EXPECT: fail
BUG: atomicity
WHY: `value += n` is a read then a write, so two processes can read the same old value and one increment is lost.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        # The Value has a lock, but `+=` does not take it for the whole update.
        self._value = ctx.Value('q', initial)

    def increment(self, n=1):
        self._value.value += n

    @property
    def value(self):
        return self._value.value

"""EXPECT: pass
BUG: none
WHY: A shared Value whose own lock guards every read-modify-write.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._value = ctx.Value('q', initial)

    def increment(self, n=1):
        with self._value.get_lock():
            self._value.value += n

    @property
    def value(self):
        with self._value.get_lock():
            return self._value.value

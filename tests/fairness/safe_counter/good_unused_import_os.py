"""EXPECT: pass
FAILS: none
RACY: no
WHY: correct; an unused `import os` and `import random` left from debugging change nothing.
"""
import multiprocessing
import os
import random


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._value = ctx.RawValue("q", initial)

    def increment(self, n=1):
        with self._lock:
            self._value.value += n

    @property
    def value(self):
        with self._lock:
            return self._value.value

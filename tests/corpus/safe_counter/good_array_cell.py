"""EXPECT: pass
BUG: none
WHY: A one-element shared Array, updated under the Array's own lock.
"""
import multiprocessing


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._cell = ctx.Array('q', [initial])

    def increment(self, n=1):
        lock = self._cell.get_lock()
        with lock:
            self._cell[0] = self._cell[0] + n

    @property
    def value(self):
        with self._cell.get_lock():
            return self._cell[0]

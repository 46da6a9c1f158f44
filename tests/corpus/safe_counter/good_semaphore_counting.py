"""EXPECT: pass
BUG: none
WHY: A plain ctx.Semaphore(1) with explicit acquire/release in try/finally guards the update.
"""
from multiprocessing import get_context


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = get_context() if ctx is None else ctx
        self.sem = ctx.Semaphore(1)
        self.shared = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        self.sem.acquire()
        try:
            old = self.shared.value
            new = old + n
            self.shared.value = new
        finally:
            self.sem.release()

    @property
    def value(self):
        self.sem.acquire()
        try:
            return self.shared.value
        finally:
            self.sem.release()

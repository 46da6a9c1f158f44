"""EXPECT: pass
BUG: none
WHY: A BoundedSemaphore(1) per account acts as its lock; semaphores are always acquired in ascending account number and released in reverse.
"""
import multiprocessing


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._n = len(balances)
        self._bal = ctx.RawArray('q', self._n)
        for i, b in enumerate(balances):
            self._bal[i] = b
        self._sems = [ctx.BoundedSemaphore(1) for _ in range(self._n)]

    def _acquire(self, accounts):
        order = sorted(set(accounts))
        for i in order:
            self._sems[i].acquire()
        return order

    def _release(self, order):
        for i in reversed(order):
            self._sems[i].release()

    def transfer(self, src, dst, amount):
        for a in (src, dst):
            if type(a) is not int or a < 0 or a >= self._n:
                raise ValueError("unknown account")
        if amount <= 0:
            raise ValueError("amount must be positive")
        if src == dst:
            return
        held = self._acquire((src, dst))
        try:
            if self._bal[src] < amount:
                raise ValueError("insufficient funds")
            self._bal[src] -= amount
            self._bal[dst] += amount
        finally:
            self._release(held)

    def balance(self, i):
        if type(i) is not int or i < 0 or i >= self._n:
            raise ValueError("unknown account")
        held = self._acquire([i])
        try:
            return self._bal[i]
        finally:
            self._release(held)

    def total(self):
        held = self._acquire(range(self._n))
        try:
            return sum(self._bal[i] for i in range(self._n))
        finally:
            self._release(held)

"""EXPECT: fail
BUG: atomicity
WHY: The debit and the credit are done under separate locks one after the other, so between them the money is in neither account and a concurrent total() sees less than the real total.
"""
import multiprocessing


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._n = len(balances)
        self._balances = ctx.Array('q', list(balances), lock=False)
        self._locks = [ctx.Lock() for _ in range(self._n)]

    def _check_account(self, i):
        if not isinstance(i, int) or not 0 <= i < self._n:
            raise ValueError(f"unknown account {i!r}")

    def transfer(self, src, dst, amount):
        self._check_account(src)
        self._check_account(dst)
        if amount <= 0:
            raise ValueError("amount must be positive")
        if src == dst:
            return
        # only one lock at a time, so no deadlock is possible
        with self._locks[src]:
            if self._balances[src] < amount:
                raise ValueError("insufficient funds")
            self._balances[src] -= amount
        with self._locks[dst]:
            self._balances[dst] += amount

    def balance(self, i):
        self._check_account(i)
        with self._locks[i]:
            return self._balances[i]

    def total(self):
        for lock in self._locks:
            lock.acquire()
        try:
            return sum(self._balances[i] for i in range(self._n))
        finally:
            for lock in self._locks:
                lock.release()

"""EXPECT: fail
FAILS: deadlock
RACY: no
WHY: locks are ordered by current balance, which other transfers change between reading it and locking, so two transfers can take the same two locks in opposite orders.
"""
import multiprocessing


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        balances = list(balances)
        self._n = len(balances)
        self._balances = ctx.Array('q', balances, lock=False)
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
        # "a global order": by current balance (but transfers change balances)
        first, second = sorted((src, dst), key=lambda i: (self._balances[i], i))
        with self._locks[first]:
            with self._locks[second]:
                if self._balances[src] < amount:
                    raise ValueError("insufficient funds")
                self._balances[src] -= amount
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
            for lock in reversed(self._locks):
                lock.release()

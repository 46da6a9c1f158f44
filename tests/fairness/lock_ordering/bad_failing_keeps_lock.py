"""EXPECT: fail
FAILS: deadlock
RACY: no
WHY: a transfer that fails for insufficient funds releases only one of its two locks, so the next transfer on that account waits forever.
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
        first, second = sorted((src, dst))
        self._locks[first].acquire()
        self._locks[second].acquire()
        if self._balances[src] < amount:
            self._locks[first].release()          # forgets the second lock
            raise ValueError("insufficient funds")
        self._balances[src] -= amount
        self._balances[dst] += amount
        self._locks[second].release()
        self._locks[first].release()

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

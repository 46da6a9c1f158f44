"""EXPECT: fail
FAILS: deadlock
RACY: no
WHY: four locks shared by account number modulo 4: with more than four accounts, a transfer between accounts 0 and 4 takes the same lock twice.
"""
import multiprocessing


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        balances = list(balances)
        self._n = len(balances)
        self._balances = ctx.Array('q', balances, lock=False)
        self._stripes = [ctx.Lock() for _ in range(4)]
        self._locks = [self._stripes[i % 4] for i in range(self._n)]      # 4 locks are plenty

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

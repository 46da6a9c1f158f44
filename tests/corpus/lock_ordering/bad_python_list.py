"""EXPECT: fail
BUG: unshared-state
WHY: The balances are a plain Python list, so each process moves money in its own private copy and the parent never sees any transfer done by a child.
"""
import multiprocessing


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._balances = list(balances)
        self._locks = [ctx.Lock() for _ in self._balances]

    def _check_account(self, i):
        if not isinstance(i, int) or not 0 <= i < len(self._balances):
            raise ValueError(f"unknown account {i!r}")

    def transfer(self, src, dst, amount):
        self._check_account(src)
        self._check_account(dst)
        if amount <= 0:
            raise ValueError("amount must be positive")
        if src == dst:
            return
        first, second = sorted((src, dst))
        with self._locks[first], self._locks[second]:
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
            return sum(self._balances)
        finally:
            for lock in self._locks:
                lock.release()

"""EXPECT: fail
BUG: deadlock
WHY: Locks are taken in argument order (src, then dst), so transfer(0, 1) and transfer(1, 0) running together can each hold one lock and wait forever for the other.
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
        with self._locks[src]:
            with self._locks[dst]:
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
            for lock in self._locks:
                lock.release()

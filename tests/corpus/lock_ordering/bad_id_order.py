"""EXPECT: fail
BUG: deadlock
WHY: Locks are ordered by id(), but each spawned process has its own copies at different addresses, so two processes can disagree on the order and deadlock on transfer(0, 1) vs transfer(1, 0).
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
        first, second = sorted((self._locks[src], self._locks[dst]), key=id)
        with first, second:
            if self._balances[src] < amount:
                raise ValueError("insufficient funds")
            self._balances[src] -= amount
            self._balances[dst] += amount

    def balance(self, i):
        self._check_account(i)
        with self._locks[i]:
            return self._balances[i]

    def total(self):
        ordered = sorted(self._locks, key=id)
        for lock in ordered:
            lock.acquire()
        try:
            return sum(self._balances[i] for i in range(self._n))
        finally:
            for lock in reversed(ordered):
                lock.release()

"""EXPECT: fail
FAILS: deadlock
RACY: no
WHY: transfer() takes the smaller account first, total() takes the locks from the last account down: a total() beside a transfer can deadlock.
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
        for lock in reversed(self._locks):       # from the last account down
            lock.acquire()
        try:
            return sum(self._balances[i] for i in range(self._n))
        finally:
            for lock in self._locks:
                lock.release()

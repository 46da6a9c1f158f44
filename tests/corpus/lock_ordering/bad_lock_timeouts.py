"""EXPECT: fail
BUG: timeout
WHY: It takes both accounts' locks in order with acquire(timeout=1.0) "so a transfer can never hang" and moves the money even when a lock timed out, so if the process holding it is kept from running for a second, two transfers change the same balance at once and money is lost or created.
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

    def _check(self, i):
        if not isinstance(i, int) or not 0 <= i < self._n:
            raise ValueError(f"unknown account {i!r}")

    def _lock_all(self, accounts):
        return [self._locks[i].acquire(timeout=1.0) for i in accounts]

    def _unlock(self, accounts, held):
        for i, got in reversed(list(zip(accounts, held))):
            if got:
                self._locks[i].release()

    def transfer(self, src, dst, amount):
        self._check(src)
        self._check(dst)
        if amount <= 0:
            raise ValueError("amount must be positive")
        if src == dst:
            return
        accounts = sorted((src, dst))
        held = self._lock_all(accounts)
        try:
            if self._balances[src] < amount:
                raise ValueError("insufficient funds")
            self._balances[src] -= amount
            self._balances[dst] += amount
        finally:
            self._unlock(accounts, held)

    def balance(self, i):
        self._check(i)
        held = self._lock_all([i])
        try:
            return self._balances[i]
        finally:
            self._unlock([i], held)

    def total(self):
        accounts = list(range(self._n))
        held = self._lock_all(accounts)
        try:
            return sum(self._balances[i] for i in accounts)
        finally:
            self._unlock(accounts, held)

"""EXPECT: fail
BUG: serialized
WHY: One lock guards the whole bank, so transfer(0, 1) and transfer(2, 3) touch different accounts but still wait for each other; the exercise asks for one lock per account.
"""
import multiprocessing


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._n = len(balances)
        self._balances = ctx.Array('q', list(balances))   # one lock for everything

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
        with self._balances.get_lock():
            if self._balances[src] < amount:
                raise ValueError("insufficient funds")
            self._balances[src] -= amount
            self._balances[dst] += amount

    def balance(self, i):
        self._check_account(i)
        with self._balances.get_lock():
            return self._balances[i]

    def total(self):
        with self._balances.get_lock():
            return sum(self._balances[i] for i in range(self._n))

"""EXPECT: pass
BUG: none
WHY: Each account is a shared Value whose own lock is the account lock, and the two Values are locked in index order.
"""
import multiprocessing
from contextlib import ExitStack


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._accounts = [ctx.Value('q', b) for b in balances]

    def _account(self, i):
        if not isinstance(i, int) or i < 0 or i >= len(self._accounts):
            raise ValueError(f"no account {i}")
        return self._accounts[i]

    def transfer(self, src, dst, amount):
        a, b = self._account(src), self._account(dst)
        if amount <= 0:
            raise ValueError("amount must be positive")
        if src == dst:
            return
        with ExitStack() as stack:
            for i in sorted((src, dst)):
                stack.enter_context(self._accounts[i].get_lock())
            if a.value < amount:
                raise ValueError("insufficient funds")
            a.value -= amount
            b.value += amount

    def balance(self, i):
        acct = self._account(i)
        with acct.get_lock():
            return acct.value

    def total(self):
        with ExitStack() as stack:
            for acct in self._accounts:          # index order, like transfer
                stack.enter_context(acct.get_lock())
            return sum(acct.value for acct in self._accounts)

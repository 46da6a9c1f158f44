"""EXPECT: pass
BUG: none
WHY: An RLock per account taken lowest index first; total holds every lock in order and may safely call balance() again because the locks are reentrant.
"""
import multiprocessing


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self.n = len(balances)
        self.money = ctx.RawArray('q', list(balances))
        self.locks = [ctx.RLock() for _ in range(self.n)]

    def _valid(self, account):
        return isinstance(account, int) and 0 <= account < self.n

    def transfer(self, src, dst, amount):
        if not (self._valid(src) and self._valid(dst)):
            raise ValueError("no such account")
        if amount <= 0:
            raise ValueError("amount must be > 0")
        if src == dst:
            return
        low, high = min(src, dst), max(src, dst)
        self.locks[low].acquire()
        self.locks[high].acquire()
        try:
            if self.money[src] < amount:
                raise ValueError("insufficient funds")
            self.money[src] = self.money[src] - amount
            self.money[dst] = self.money[dst] + amount
        finally:
            self.locks[high].release()
            self.locks[low].release()

    def balance(self, i):
        if not self._valid(i):
            raise ValueError("no such account")
        with self.locks[i]:
            return self.money[i]

    def total(self):
        for lock in self.locks:
            lock.acquire()
        try:
            return sum(self.balance(i) for i in range(self.n))
        finally:
            for lock in self.locks:
                lock.release()

"""EXPECT: pass
BUG: none
WHY: Balances in a shared Array (lock=False) plus a list of Locks; the smaller index is always locked first and the check happens under both locks.
"""
import multiprocessing


class Bank:
    def __init__(self, balances, *, ctx=None):
        if ctx is None:
            ctx = multiprocessing.get_context()
        self.balances = ctx.Array('q', len(balances), lock=False)
        for i, b in enumerate(balances):
            self.balances[i] = b
        self.locks = [ctx.Lock() for _ in balances]

    def _validate(self, *accounts):
        for a in accounts:
            if not isinstance(a, int) or not 0 <= a < len(self.locks):
                raise ValueError(f"invalid account: {a}")

    def transfer(self, src, dst, amount):
        self._validate(src, dst)
        if amount <= 0:
            raise ValueError(f"invalid amount: {amount}")
        if src == dst:
            return
        first = self.locks[min(src, dst)]
        second = self.locks[max(src, dst)]
        with first, second:
            available = self.balances[src]
            if available < amount:
                raise ValueError(f"insufficient funds: {available} < {amount}")
            self.balances[src] = available - amount
            self.balances[dst] = self.balances[dst] + amount

    def balance(self, i):
        self._validate(i)
        with self.locks[i]:
            return self.balances[i]

    def total(self):
        held = []
        try:
            for lock in self.locks:
                lock.acquire()
                held.append(lock)
            return sum(self.balances[i] for i in range(len(self.locks)))
        finally:
            for lock in reversed(held):
                lock.release()

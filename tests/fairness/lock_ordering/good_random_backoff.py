"""EXPECT: pass
FAILS: none
RACY: no
WHY: ordered locks, the second taken with a timeout and random back-off (import random is harmless).
"""
import multiprocessing
import random
import time


class Bank:
    """Try-lock with random back-off: take src's lock, try dst's; if busy, let go and retry."""

    def __init__(self, balances, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        balances = list(balances)
        self._n = len(balances)
        self._balances = ctx.Array('q', balances, lock=False)
        self._locks = [ctx.Lock() for _ in range(self._n)]

    def _check(self, i):
        if not isinstance(i, int) or not 0 <= i < self._n:
            raise ValueError(f"unknown account {i!r}")

    def transfer(self, src, dst, amount):
        self._check(src)
        self._check(dst)
        if amount <= 0:
            raise ValueError("amount must be positive")
        if src == dst:
            return
        first, second = sorted((src, dst))
        while True:
            self._locks[first].acquire()
            if self._locks[second].acquire(timeout=0.001):
                break
            self._locks[first].release()
            time.sleep(random.uniform(0, 0.002))
        try:
            if self._balances[src] < amount:
                raise ValueError("insufficient funds")
            self._balances[src] -= amount
            self._balances[dst] += amount
        finally:
            self._locks[second].release()
            self._locks[first].release()

    def balance(self, i):
        self._check(i)
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

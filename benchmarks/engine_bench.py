"""Benchmark of the controlled-interleaving engine (autograder.controlled).

1. Throughput: schedules per second on the counter scenario (2 processes x 2 increments,
   a ctx.Value with its own lock), per strategy.  Target: >= 3,000 schedules/s.
2. Bug-finding power: schedules until the first failure for a few buggy scenarios, per
   strategy, over several seeds (median and worst), without shrinking.

Run:  .venv/bin/python benchmarks/engine_bench.py [--quick]
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time

from autograder.controlled import Scenario, explore


# --------------------------------------------------------------------------- classes
class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._value = ctx.Value('q', initial)

    def increment(self, n=1):
        with self._value.get_lock():
            self._value.value += n

    @property
    def value(self):
        return self._value.value


class RacyCounter(SafeCounter):
    def __init__(self, initial=0, *, ctx=None):
        self._value = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        self._value.value += n


class OppositeOrderBank:
    def __init__(self, balances, *, ctx):
        self.locks = [ctx.Lock() for _ in balances]
        self.balances = ctx.Array('q', list(balances), lock=False)

    def transfer(self, src, dst, amount):
        with self.locks[src]:
            with self.locks[dst]:
                self.balances[src] -= amount
                self.balances[dst] += amount


class IfWaitBuffer:
    """Bounded buffer with ``if`` instead of ``while`` around Condition.wait."""

    def __init__(self, capacity, *, ctx):
        self._cap = capacity
        self._items = ctx.Array('q', capacity, lock=False)
        self._head = ctx.Value('i', 0, lock=False)
        self._count = ctx.Value('i', 0, lock=False)
        self._lock = ctx.Lock()
        self._not_empty = ctx.Condition(self._lock)
        self._not_full = ctx.Condition(self._lock)

    def put(self, item):
        with self._lock:
            while self._count.value == self._cap:
                self._not_full.wait()
            self._items[(self._head.value + self._count.value) % self._cap] = item
            self._count.value += 1
            self._not_empty.notify()

    def get(self):
        with self._lock:
            if self._count.value == 0:
                self._not_empty.wait()
            head = self._head.value
            item = self._items[head]
            self._head.value = (head + 1) % self._cap
            self._count.value -= 1
            self._not_full.notify()
            return item


class LostWakeup:
    def __init__(self, *, ctx):
        self._flag = ctx.Value('b', 0, lock=False)
        self._cond = ctx.Condition()

    def wait(self):
        if not self._flag.value:
            with self._cond:
                self._cond.wait()

    def set(self):
        self._flag.value = 1
        with self._cond:
            self._cond.notify_all()


# --------------------------------------------------------------------------- scenarios
def counter(cls, nprocs=2, increments=2):
    total = nprocs * increments

    def body(c):
        for _ in range(increments):
            c.increment(1)

    return Scenario(f"{cls.__name__}: {nprocs} processes x {increments} increments",
                    lambda ctx: cls(0, ctx=ctx), [body] * nprocs,
                    lambda c, r: None if c.value == total
                    else f"expected value {total}, got {c.value}")


def bank():
    return Scenario("opposite lock order (deadlock)",
                    lambda ctx: OppositeOrderBank([100, 100], ctx=ctx),
                    [lambda b: b.transfer(0, 1, 10), lambda b: b.transfer(1, 0, 20)])


def if_wait():
    def producer(b):
        b.put(1)
        b.put(2)

    return Scenario("if instead of while around wait (stolen wake-up)",
                    lambda ctx: IfWaitBuffer(2, ctx=ctx),
                    [producer, lambda b: b.get(), lambda b: b.get()],
                    lambda b, r: None if sorted(r[1:]) == [1, 2] else f"got {r[1:]}")


def lost_wakeup():
    return Scenario("flag tested outside the lock (lost wake-up)",
                    lambda ctx: LostWakeup(ctx=ctx), [lambda s: s.wait(), lambda s: s.set()])


# --------------------------------------------------------------------------- measuring
def throughput(scenario, strategy, n, **kw):
    explore(scenario, strategy, seed=0, max_schedules=50, **kw)       # warm-up
    best = 0.0
    runs = 0
    for rep in range(3):
        t0 = time.perf_counter()
        r = explore(scenario, strategy, seed=rep, max_schedules=n, **kw)
        dt = time.perf_counter() - t0
        assert r.ok, r
        runs = r.schedules_run
        best = max(best, r.schedules_run / dt)
    return best, runs


def to_first_failure(scenario, strategy, seeds, cap):
    counts = []
    for seed in seeds:
        r = explore(scenario, strategy, seed=seed, max_schedules=cap, shrink=False)
        counts.append(r.schedules_run if not r.ok else None)
    found = [c for c in counts if c is not None]
    return found, len(counts) - len(found)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer schedules and seeds")
    args = ap.parse_args(argv)
    n = 2000 if args.quick else 10_000
    seeds = range(5 if args.quick else 20)
    cap = 2000

    print("== throughput: counter scenario, 2 processes x 2 increments, ctx.Value with lock")
    sc = counter(SafeCounter)
    for strategy, kw in (("random", {}), ("pct", {"depth": 3}),
                         ("exhaustive", {"max_preemptions": 6})):
        rate, runs = throughput(sc, strategy, n, **kw)
        extra = f" ({runs} schedules = the whole space within 6 preemptions)" \
            if strategy == "exhaustive" and runs < n else ""
        ok = "ok" if rate >= 3000 else "BELOW TARGET"
        print(f"  {strategy:<10} {rate:>9,.0f} schedules/s  [{ok}: target 3,000]{extra}")

    print(f"\n== schedules until the first failure (seeds {seeds.start}..{seeds.stop - 1}, "
          f"cap {cap}; exhaustive is seed-independent)")
    for scenario in (counter(RacyCounter), counter(RacyCounter, 3, 3), bank(), if_wait(),
                     lost_wakeup()):
        print(f"  {scenario.name}")
        for strategy in ("random", "pct", "exhaustive"):
            s = [0] if strategy == "exhaustive" else seeds
            t0 = time.perf_counter()
            found, missed = to_first_failure(scenario, strategy, s, cap)
            dt = time.perf_counter() - t0
            if found:
                med = statistics.median(found)
                desc = f"median {med:>6g}  worst {max(found):>5}"
            else:
                desc = "never found" + " " * 11
            miss = f"  missed by {missed} seed(s)" if missed else ""
            print(f"    {strategy:<10} {desc}   ({dt:.2f}s){miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

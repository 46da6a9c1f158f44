"""Helpers and small known-good / known-bad classes for the controlled-engine tests."""
from __future__ import annotations

import multiprocessing
import threading
import time

from autograder.engine import Scenario, replay


def run_procs(setup, *procs, schedule=(), step_budget=20_000, allow_exceptions=True):
    """Run ``procs`` once along ``schedule`` (default: run each process until it blocks).

    Returns (results, failure, obj) where results[i] is what process i returned or raised.
    """
    box = {}

    def check(obj, results):
        box["obj"] = obj
        box["results"] = results
        return None

    sc = Scenario("helper", setup, list(procs), check, step_budget=step_budget,
                  allow_exceptions=allow_exceptions)
    failure = replay(sc, list(schedule))
    return box.get("results"), failure, box.get("obj")


def why(failure):
    """Assertion text: seed, strategy and schedule of a failure, plus its report."""
    if failure is None:
        return "no failure"
    return (f"seed={failure.seed} strategy={failure.strategy} schedule={failure.schedule}\n"
            f"{failure.describe()}")


def result_why(result):
    return f"schedules_run={result.schedules_run}; {why(result.failure)}"


# --------------------------------------------------------------------------- counters
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


class SeparateLockCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._value = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        with self._lock:
            self._value.value += n

    @property
    def value(self):
        with self._lock:
            return self._value.value


class RacyCounter:
    """Read-modify-write without a lock."""

    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._value = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        self._value.value += n

    @property
    def value(self):
        return self._value.value


class PlainIntCounter:
    """Keeps the count in a plain attribute: each process increments its own copy."""

    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = ctx.Lock()
        self._count = initial

    def increment(self, n=1):
        with self._lock:
            self._count += n

    @property
    def value(self):
        return self._count


class ThreadingLockCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = threading.Lock()
        self._value = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        with self._lock:
            self._value.value += n

    @property
    def value(self):
        return self._value.value


class GlobalMpLockCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = multiprocessing.Lock()
        self._value = ctx.RawValue('q', initial)

    def increment(self, n=1):
        with self._lock:
            self._value.value += n

    @property
    def value(self):
        return self._value.value


def counter_scenario(cls, nprocs=2, increments=2):
    total = nprocs * increments

    def body(obj):
        for _ in range(increments):
            obj.increment(1)

    return Scenario(
        name=f"{nprocs} processes each increment(1) {increments} times",
        setup=lambda ctx: cls(0, ctx=ctx),
        processes=[body] * nprocs,
        check=lambda obj, results: None if obj.value == total
        else f"expected value {total}, got {obj.value}",
    )


# --------------------------------------------------------------------------- bank (deadlock)
class OppositeOrderBank:
    """transfer() locks src then dst: two opposite transfers deadlock."""

    def __init__(self, balances, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self.locks = [ctx.Lock() for _ in balances]
        self.balances = ctx.Array('q', list(balances), lock=False)

    def transfer(self, src, dst, amount):
        with self.locks[src]:
            with self.locks[dst]:
                self.balances[src] -= amount
                self.balances[dst] += amount


def bank_scenario(cls=OppositeOrderBank):
    return Scenario(
        name="P1 transfers 0->1 while P2 transfers 1->0",
        setup=lambda ctx: cls([100, 100], ctx=ctx),
        processes=[lambda b: b.transfer(0, 1, 10), lambda b: b.transfer(1, 0, 20)],
        check=lambda b, r: None if b.balances[0] + b.balances[1] == 200 else "money lost",
    )


# --------------------------------------------------------------------------- buffers
class Buffer:
    """A bounded FIFO over shared memory, one lock and two conditions.
    ``use_while=False`` reproduces the classic bug: ``if`` around ``Condition.wait``."""

    def __init__(self, capacity, *, ctx=None, use_while=True):
        ctx = ctx or multiprocessing.get_context()
        self._cap = capacity
        self._items = ctx.Array('q', capacity, lock=False)
        self._head = ctx.Value('i', 0, lock=False)
        self._count = ctx.Value('i', 0, lock=False)
        self._lock = ctx.Lock()
        self._not_empty = ctx.Condition(self._lock)
        self._not_full = ctx.Condition(self._lock)
        self._use_while = use_while

    def put(self, item):
        with self._lock:
            while self._count.value == self._cap:
                self._not_full.wait()
            tail = (self._head.value + self._count.value) % self._cap
            self._items[tail] = item
            self._count.value += 1
            self._not_empty.notify()

    def get(self):
        with self._lock:
            if self._use_while:
                while self._count.value == 0:
                    self._not_empty.wait()
            elif self._count.value == 0:
                self._not_empty.wait()
            if self._count.value == 0:
                raise IndexError("get() from an empty buffer")
            head = self._head.value
            item = self._items[head]
            self._head.value = (head + 1) % self._cap
            self._count.value -= 1
            self._not_full.notify()
            return item


def buffer_scenario(use_while):
    def producer(buf):
        buf.put(1)
        buf.put(2)

    return Scenario(
        name="one producer puts 1, 2; two consumers get one item each",
        setup=lambda ctx: Buffer(2, ctx=ctx, use_while=use_while),
        processes=[producer, lambda b: b.get(), lambda b: b.get()],
        check=lambda b, r: None if sorted(r[1:]) == [1, 2]
        else f"consumers got {r[1:]}, expected 1 and 2",
    )


class LostWakeupSignal:
    """wait() tests the flag outside the lock: a set() in between is never seen."""

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


class GoodSignal(LostWakeupSignal):
    def wait(self):
        with self._cond:
            while not self._flag.value:
                self._cond.wait()

    def set(self):
        with self._cond:
            self._flag.value = 1
            self._cond.notify_all()


def signal_scenario(cls):
    return Scenario(
        name="P1 waits for the signal that P2 sets",
        setup=lambda ctx: cls(ctx=ctx),
        processes=[lambda s: s.wait(), lambda s: s.set()],
    )


# --------------------------------------------------------------------------- busy waiting
class SpinFlag:
    def __init__(self, *, ctx):
        self.flag = ctx.Value('b', 0, lock=False)
        self.ready = False

    def spin_shared(self):
        while not self.flag.value:
            pass

    def spin_plain(self):
        while not self.ready:
            pass

    def spin_clock(self, seconds):
        end = time.monotonic() + seconds
        while not self.flag.value and time.monotonic() < end:
            pass


class LazyLockCounter:
    """Creates its lock on first use: each process makes its own private lock."""

    def __init__(self, initial=0, *, ctx=None):
        self._ctx = ctx or multiprocessing.get_context()
        self._lock = None
        self._value = self._ctx.RawValue('q', initial)

    def increment(self, n=1):
        if self._lock is None:
            self._lock = self._ctx.Lock()
        with self._lock:
            self._value.value += n

    @property
    def value(self):
        return self._value.value


class LazyMpLockCounter:
    """Creates a lock from the multiprocessing module on first use, not from ctx."""

    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._lock = None
        self._value = ctx.RawValue('q', initial)

    def increment(self, n=1):
        if self._lock is None:
            self._lock = multiprocessing.Lock()
        with self._lock:
            self._value.value += n

    @property
    def value(self):
        return self._value.value

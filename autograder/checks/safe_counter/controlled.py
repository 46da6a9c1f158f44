"""The safe counter under controlled interleavings: no update is lost, whatever ``n``."""
from __future__ import annotations

from autograder.engine import Scenario
from ..common import not_int
from ..controlled import Finding, Plan, controlled
from ..searches import Bounded, Dpor, Pct, RandomWalk

#: how to fix a lost update, the bug this exercise is about
ATOMIC_FIX = ("hold one ctx lock around the whole read-add-write, e.g. `with self._lock: "
              "self._value.value += n` (a Value's get and set each take its lock, but not the two together)")
#: how to fix a count that each process keeps its own copy of
SHARED_FIX = ("keep the count itself in shared memory from ctx, e.g. `self._value = ctx.Value('q', initial)` "
              "and `self._value.value += n` under your lock: a plain attribute is copied into every process, "
              "so a lock around it protects each copy, not one shared count")
FIXES = {
    "lost-update": ATOMIC_FIX, "check": ATOMIC_FIX,
    "deadlock": "do not take a lock you already hold: a ctx.Lock is not re-entrant",
    "step-budget": "block in acquire() instead of polling in a loop",
    "unpicklable": "create every lock and shared value from ctx (ctx.Lock(), ctx.Value('q', 0))",
    "foreign-primitive": "create every lock and shared value from the ctx passed to the constructor",
}


def _increments_scenario(SafeCounter, initial: int, per_process: list[list[int]]) -> Scenario:
    expected = initial + sum(map(sum, per_process))
    calls = "; ".join(f"P{i}: " + ", ".join(f"increment({n})" for n in ns) for i, ns in enumerate(per_process, 1))

    def body(ns):
        return lambda counter: [counter.increment(n) for n in ns]

    def check(counter, results):
        value = counter.value
        problem = not_int(value, "value")
        if problem:
            return problem
        if value == initial != expected and all(n > 0 for ns in per_process for n in ns):
            # a shared count that lost updates still ends above initial: every write is a read plus n > 0
            return Finding(f"each process changed its own copy: P1's increments never reached P2, and none "
                           f"reached the counter you created, which still reads {value} after "
                           f"{sum(map(len, per_process))} increments", SHARED_FIX, kind="not-shared")
        if value > expected:
            return Finding(f"the counter ended at {value}, higher than {expected}: a negative increment was lost",
                           kind="lost-update")
        if value != expected:
            return Finding(f"the counter ended at {value} instead of {expected}: updates were lost",
                           kind="lost-update")
        return None

    return Scenario(f"SafeCounter({initial}); {calls}", lambda ctx: SafeCounter(initial, ctx=ctx),
                    [body(ns) for ns in per_process], check)


@controlled("no lost updates in any interleaving of 2 processes x 2 increments", fixes=FIXES)
def atomic_under_controlled_interleavings(SafeCounter):
    return [Plan(_increments_scenario(SafeCounter, 0, [[1, 1], [1, 1]]),
                 [Dpor(), Bounded(2, 2_000), RandomWalk(1, 300)])]


@controlled("no lost updates with n = 5, -3, 0, 7, -2 from 3 processes (every interleaving, or PCT "
            "and random search if there are too many)", fixes=FIXES)
def atomic_with_any_n_under_controlled_interleavings(SafeCounter):
    return [Plan(_increments_scenario(SafeCounter, 10, [[5, -3], [0, 7], [-2]]),
                 [Dpor(), Pct(7, 300, depth=3), RandomWalk(11, 300)])]


@controlled("value is current and atomic while increments run: P2 increments, then reads value while P1 "
            "runs increment(3) and increment(-7) (every interleaving, or PCT and random search)", fixes=FIXES)
def current_while_incrementing(SafeCounter):
    """A read must see whole increments only, and its own process's increment: a value that
    returns a stale cache while the lock is busy, or an increment(n) made of n separate locked
    steps of 1, shows a total the counter never held as a whole."""
    initial, p1 = 10, [3, -7]
    valid = [initial + 1 + sum(p1[:k]) for k in range(len(p1) + 1)]     # P2's +1 is always in

    def reader(counter):
        counter.increment(1)
        return [counter.value, counter.value]

    def check(counter, results):
        for i, seen in enumerate(results[1], 1):
            problem = not_int(seen, "value")
            if problem:
                return problem
        first, second = results[1]
        for seen in (first, second):
            if seen not in valid:
                if seen == initial or seen in [v - 1 for v in valid]:
                    return Finding(f"P2 read value {seen} after its own increment(1) had returned: value "
                                   f"returned a total from before that increment, not the current one",
                                   "let value take the same lock as increment and read the shared count "
                                   "(never a copy kept from earlier)", kind="stale-read")
                return Finding(f"P2 read value {seen} while P1 ran increment(3), increment(-7), but the counter "
                               f"only ever holds {', '.join(map(str, valid))} as a whole: value saw an "
                               f"increment half done", "add n in one step under the lock (`with self._lock: "
                               "self._value.value += n`), not n steps of 1", kind="stale-read")
        if valid.index(second) < valid.index(first):
            return Finding(f"P2 read value {first}, then {second}: the second read went back to an older "
                           f"total", "read the shared count under the lock every time", kind="stale-read")
        final = counter.value
        problem = not_int(final, "value")
        if problem:
            return problem
        if final != valid[-1]:
            return Finding(f"the counter ended at {final} instead of {valid[-1]}: updates were lost",
                           kind="lost-update")
        return None

    scenario = Scenario(f"SafeCounter({initial}); P1: increment(3), increment(-7); P2: increment(1), value, value",
                        lambda ctx: SafeCounter(initial, ctx=ctx),
                        [lambda counter: [counter.increment(n) for n in p1], reader], check)
    return [Plan(scenario, [Dpor(), Pct(13, 300, depth=3), RandomWalk(17, 300)])]

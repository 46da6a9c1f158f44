"""The safe counter under controlled interleavings: no update is lost, whatever ``n``."""
from __future__ import annotations

from autograder.engine import Scenario
from ..common import not_int
from ..controlled import Plan, controlled
from ..searches import Bounded, Dpor, Pct, RandomWalk

#: how to fix a lost update, the bug this exercise is about
ATOMIC_FIX = ("hold one ctx lock around the whole read-add-write, e.g. `with self._lock: "
              "self._value.value += n` (a Value's get and set each take its lock, but not the two together)")
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
        if value > expected:
            return f"the counter ended at {value}, higher than {expected}: a negative increment was lost"
        if value != expected:
            return f"the counter ended at {value} instead of {expected}: updates were lost"
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

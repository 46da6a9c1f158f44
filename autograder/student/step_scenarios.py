"""The small scenarios ``autograder.step("<exercise>")`` steps through, on the student's class.

Each is the smallest run that can show its exercise's classic bug: two increments (a lost
update), one producer and two consumers on a queue of capacity 1 (a stolen or lost wake-up,
a lost item), two opposite transfers (a deadlock). They are not the grader's scenarios, and
passing them proves little: ``check(...)`` explores many more.
"""
from __future__ import annotations

from autograder.engine import Scenario

__all__ = ["SCENARIOS", "scenario_for"]


def _counter(cls) -> Scenario:
    def check(counter, results):
        if counter.value != 2:
            return f"after two increment() calls the counter is {counter.value}, not 2: an update was lost"
        return None
    return Scenario(f"{cls.__name__}(); P1: increment(); P2: increment()", lambda ctx: cls(ctx=ctx),
                    [lambda c: c.increment(), lambda c: c.increment()], check, step_budget=2_000)


def _queue(cls) -> Scenario:
    def producer(q):
        q.put(1)
        q.put(2)

    def check(q, results):
        if sorted(results[1:]) != [1, 2]:
            return f"P2 got {results[1]} and P3 got {results[2]}, but P1 put 1 and 2: each must come out once"
        return None
    return Scenario(f"{cls.__name__}(1); P1: put(1), put(2); P2: get(); P3: get()", lambda ctx: cls(1, ctx=ctx),
                    [producer, lambda q: q.get(), lambda q: q.get()], check, step_budget=2_000)


def _bank(cls) -> Scenario:
    def check(bank, results):
        if bank.total() != 200:
            return f"the bank holds {bank.total()} after the transfers, not 200"
        return None
    return Scenario(f"{cls.__name__}([100, 100]); P1: transfer(0, 1, 10); P2: transfer(1, 0, 10)",
                    lambda ctx: cls([100, 100], ctx=ctx),
                    [lambda b: b.transfer(0, 1, 10), lambda b: b.transfer(1, 0, 10)], check, step_budget=2_000)


#: exercise id -> (what must hold, the scenario for a class)
SCENARIOS = {
    "safe_counter": ("two increments make 2", _counter),
    "bounded_queue": ("each item put comes out exactly once, and nobody waits for ever", _queue),
    "lock_ordering": ("both transfers finish and the bank still holds 200", _bank),
}


def scenario_for(exercise_id: str, cls):
    """(invariant, a function making the scenario afresh) for ``cls``, the student's class."""
    invariant, make = SCENARIOS[exercise_id]
    return invariant, (lambda: make(cls))

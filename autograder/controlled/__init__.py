"""Controlled multiprocessing: deterministic, explorable runs of students' concurrent classes.

A student's class takes ``ctx`` (a multiprocessing context) and creates every primitive
from it.  The grader passes a :class:`ControlledContext`; its primitives run simulated
processes one at a time under a scheduler (greenlets), with virtual time, so a seed fixes
the interleaving, deadlocks are detected with their wait-for cycle, and a failing schedule
can be shrunk, replayed and shown as a short timeline::

    from autograder.controlled import Scenario, explore, replay

    scenario = Scenario(
        name="two processes each increment(1) twice",
        setup=lambda ctx: SafeCounter(0, ctx=ctx),
        processes=[lambda c: (c.increment(1), c.increment(1))] * 2,
        check=lambda c, results: None if c.value == 4 else f"expected value 4, got {c.value}",
    )
    result = explore(scenario, strategy="random", seed=1234, max_schedules=200)
    if not result.ok:
        print(result.failure)          # message, seed, schedule, timeline
        replay(scenario, result.failure.schedule) == result.failure
"""
from .explore import (FAILURE_KINDS, STRATEGIES, ExploreResult, Failure, Scenario, explore,
                      replay)
from ._report import WaitEdge
from .primitives import ControlledContext

__all__ = ["Scenario", "explore", "replay", "Failure", "ExploreResult", "WaitEdge",
           "ControlledContext", "FAILURE_KINDS", "STRATEGIES"]

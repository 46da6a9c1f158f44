"""Controlled multiprocessing: deterministic, explorable runs of students' concurrent classes.

A student's class takes ``ctx`` (a multiprocessing context) and creates every primitive
from it.  The grader passes a :class:`ControlledContext`; its primitives run simulated
processes one at a time under a :class:`Scheduler` (greenlets), with virtual time, so a
seed fixes the interleaving, deadlocks are detected with their wait-for cycle, a timeout
can expire at any moment, and a failing schedule can be shrunk, replayed and shown as a
short timeline.  See README.md in this folder::

    from . import Scenario, explore, replay

    scenario = Scenario(
        name="two processes each increment(1) twice",
        setup=lambda ctx: SafeCounter(0, ctx=ctx),
        processes=[lambda c: (c.increment(1), c.increment(1))] * 2,
        check=lambda c, results: None if c.value == 4 else f"expected value 4, got {c.value}",
    )
    result = explore(scenario, strategy="dpor", max_schedules=2000)
    if result.complete:
        print(result)                  # ok: all 6 distinct interleavings explored
    if not result.ok:
        print(result.failure)          # message, seed, schedule, timeline
        replay(scenario, result.failure.schedule) == result.failure
"""
from . import hooks
from ._report import Step
from ._sim import MONOTONIC_BASE, WALL_BASE, FailureKind, ForeignPrimitiveError, HangAbort, SchedulerError
from .context import ControlledContext
from .runtime import InProcess, ProcessRuntime
from .explore import (FAILURE_KINDS, Counts, ExploreResult, Failure, Run, Scenario, count_executions, explore,
                      replay, run)
from .story import Story, story
from .waitfor import WaitEdge
from .schedulers import (STRATEGIES, DFSScheduler, DPORScheduler, PCTScheduler,
                         RandomScheduler, ReplayScheduler, Scheduler, StepScheduler, make_scheduler)

__all__ = ["Scenario", "explore", "count_executions", "Counts", "replay", "run", "Run", "Step", "Failure", "FailureKind",
           "ExploreResult", "WaitEdge", "ControlledContext", "Scheduler", "RandomScheduler", "PCTScheduler",
           "DFSScheduler", "DPORScheduler", "ReplayScheduler", "StepScheduler", "make_scheduler",
           "SchedulerError", "Story", "story", "hooks", "FAILURE_KINDS", "STRATEGIES", "MONOTONIC_BASE",
           "WALL_BASE", "HangAbort", "ForeignPrimitiveError", "ProcessRuntime", "InProcess"]

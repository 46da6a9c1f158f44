"""The hang watchdog counts the exploring thread's CPU time or wall-clock time in machine
share (so a machine too busy to run the thread does not make a hang); a spin and a blocking
call in C are still hangs."""
from __future__ import annotations

import threading

import pytest

from autograder.engine import FailureKind, Scenario, explore

@pytest.mark.timeout(600)
def test_a_spin_and_a_blocking_call_in_c_are_still_hangs():
    def spin(_):
        while True:
            pass

    def blocked(_):
        lock = threading.Lock()
        lock.acquire()
        lock.acquire(timeout=3)                 # blocks in C, sleeping: no scheduling point

    for body in (spin, blocked):
        result = explore(Scenario(body.__name__, lambda ctx: None, [body], hang_timeout=0.3),
                         strategy="random", seed=0, max_schedules=1)
        assert not result.ok and result.failure.kind == FailureKind.STEP_BUDGET, (body.__name__, result.failure)

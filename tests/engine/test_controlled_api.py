"""The engine's public API: the Scheduler protocol, hooks, failure kinds, completeness, the
README's example, and classes a student's answer cannot patch."""
import re
from pathlib import Path

import pytest

import autograder.engine as controlled
from autograder.engine import (ControlledContext, FailureKind, Scenario, Scheduler,
                                   SchedulerError, explore, hooks, replay)
from tests.engine.controlled_helpers import RacyCounter, SafeCounter, counter_scenario, why


README = Path(controlled.__file__).with_name("README.md")


# --------------------------------------------------------------------------- Scheduler protocol
class RoundRobin(Scheduler):
    """Switches to the next process at every decision, for ``runs`` executions."""

    name = "round-robin"

    def __init__(self, runs=1):
        self.runs = runs
        self.decisions = 0
        self.pids_seen = set()

    def new_execution(self):
        self.runs -= 1
        return self.runs >= 0

    def next(self, runnable, current):
        self.decisions += 1
        self.pids_seen.add(hooks.current_pid())
        if current is None or current not in runnable:
            return runnable[0]
        return runnable[(runnable.index(current) + 1) % len(runnable)]


def test_a_scheduler_instance_drives_explore_and_sees_every_decision():
    rr = RoundRobin(runs=3)
    r = explore(counter_scenario(SafeCounter), rr, max_schedules=10)
    assert r.ok and r.schedules_run == 3 and r.strategy == "round-robin", str(r)
    assert rr.decisions > 3 * 8            # every decision, not only those with a choice
    assert rr.pids_seen <= {0, 1, 2}


def test_round_robin_finds_the_lost_update_and_replay_repeats_it():
    r = explore(counter_scenario(RacyCounter), RoundRobin(), max_schedules=1)
    assert not r.ok and r.failure.kind is FailureKind.CHECK, str(r)
    assert replay(counter_scenario(RacyCounter), r.failure.schedule) == r.failure


def test_a_scheduler_returning_something_else_is_an_engine_error():
    class Broken(RoundRobin):
        def next(self, runnable, current):
            return "P1"

    with pytest.raises(SchedulerError, match="not one of"):
        explore(counter_scenario(SafeCounter), Broken(), max_schedules=1)


def test_a_scheduler_may_abandon_an_execution():
    class Abandons(RoundRobin):
        def next(self, runnable, current):
            return None if self.decisions > 3 else super().next(runnable, current)

    r = explore(counter_scenario(RacyCounter), Abandons(runs=2), max_schedules=5)
    assert r.ok and r.schedules_run == 2 and r.interleavings == 0, str(r)


def test_strategies_by_name_and_their_aliases():
    for name in controlled.STRATEGIES:
        r = explore(counter_scenario(SafeCounter), name, seed=1, max_schedules=50)
        assert r.ok and r.strategy == name, str(r)
    with pytest.raises(ValueError, match="unknown strategy 'bfs'; expected one of random, pct"):
        explore(counter_scenario(SafeCounter), "bfs")


def test_dpor_says_when_it_has_explored_every_distinct_interleaving():
    r = explore(counter_scenario(SafeCounter), "dpor", max_schedules=1000)
    assert r.ok and r.complete and r.exhausted and r.interleavings == 6, str(r)
    assert str(r) == "ok: all 6 distinct interleavings explored [strategy=dpor]"
    cut = explore(counter_scenario(SafeCounter, nprocs=3), "dpor", max_schedules=10)
    assert cut.ok and not cut.complete and cut.schedules_run == 10, str(cut)
    bounded = explore(counter_scenario(SafeCounter), "exhaustive", max_schedules=5000,
                      max_preemptions=1)
    assert bounded.exhausted and not bounded.complete, str(bounded)


def test_failure_kinds_are_an_enum_that_compares_with_strings():
    assert FailureKind.DEADLOCK == "deadlock" and str(FailureKind.STEP_BUDGET) == "step-budget"
    assert set(controlled.FAILURE_KINDS) == {
        "check", "deadlock", "exception", "step-budget", "unpicklable", "foreign-primitive"}
    f = explore(counter_scenario(RacyCounter), "dpor", max_schedules=100).failure
    assert f.kind == "check" and f.kind is FailureKind.CHECK, why(f)


# --------------------------------------------------------------------------- hooks
def test_hooks_answer_for_the_run_in_progress_and_for_the_parent_outside():
    seen = {}

    def body(v):
        seen[hooks.current_pid()] = (hooks.shared_memory(), hooks.per_process_id(v),
                                     hooks.per_process_hash(v))
        v.value = 7

    sc = Scenario("hooks", lambda ctx: ctx.Value("q", 5, lock=False), [body, body])
    assert explore(sc, "dpor", max_schedules=10).ok
    assert set(seen) == {1, 2}
    memory = [seen[1][0], seen[2][0]]
    assert (5).to_bytes(8, "little", signed=True) in [m[0] for m in memory]
    assert seen[1][1] != seen[2][1] and seen[1][2] != seen[2][2]   # like spawned copies
    assert hooks.current_pid() == 0 and hooks.shared_memory() == []
    obj = object()
    assert hooks.per_process_id(obj) == id(obj) and hooks.timed_wait_seconds() == 0.0


def test_simulated_globals_patches_a_namespace_and_restores_it():
    import time
    namespace = {"monotonic": time.monotonic, "sleep": time.sleep, "other": 1}
    original = dict(namespace)
    with hooks.simulated_globals(namespace, per_process_ids=True):
        assert namespace["monotonic"] is not original["monotonic"]
        assert namespace["id"] is hooks.per_process_id and namespace["other"] == 1
        assert abs(namespace["monotonic"]() - time.monotonic()) < 60   # real outside a run
    assert namespace == original


# --------------------------------------------------------------------------- sealed classes
@pytest.mark.parametrize("make", [lambda c: c.Lock(), lambda c: c.RLock(), lambda c: c.Semaphore(),
                                  lambda c: c.BoundedSemaphore(), lambda c: c.Condition(),
                                  lambda c: c.Event(), lambda c: c.Barrier(2),
                                  lambda c: c.Value("q", 0), lambda c: c.Array("q", 2),
                                  lambda c: c.RawValue("q", 0), lambda c: c.RawArray("q", 2)],
                         ids=["Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition",
                              "Event", "Barrier", "Value", "Array", "RawValue", "RawArray"])
def test_an_answer_cannot_patch_a_primitive_to_remove_its_scheduling_points(make):
    prim = make(ControlledContext())
    cls = type(prim)
    name = next(n for n in ("acquire", "__getitem__", "wait", "get_obj", "__repr__") if hasattr(prim, n))
    with pytest.raises(AttributeError):
        setattr(prim, name, lambda *a, **k: True)          # lock.acquire = ...
    with pytest.raises(AttributeError):
        prim.anything_new = 1
    with pytest.raises(TypeError, match="read-only"):
        setattr(cls, name, lambda *a, **k: True)           # type(lock).acquire = ...
    with pytest.raises(TypeError, match="read-only"):
        delattr(cls, name)
    if hasattr(cls, "value"):
        with pytest.raises(TypeError, match="read-only"):
            cls.value = property(lambda self: 0)            # shared memory without a point
    with pytest.raises(TypeError, match="cannot be subclassed"):
        type("Lookalike", (cls,), {"__slots__": ()})
    lookalike = type("Lookalike", (), {"__slots__": tuple(cls.__slots__)})
    with pytest.raises(TypeError):
        prim.__class__ = lookalike                          # swap in a class of one's own


def test_an_answer_cannot_patch_the_context():
    ctx = ControlledContext()
    with pytest.raises(AttributeError):
        ctx.Lock = lambda: None
    with pytest.raises(TypeError, match="read-only"):
        ControlledContext.Lock = lambda self: None
    with pytest.raises(TypeError, match="cannot be subclassed"):
        type("MyContext", (ControlledContext,), {})
    assert type(ctx.Lock()).__name__ == "Lock"


# --------------------------------------------------------------------------- the README
def test_the_readme_example_runs_as_documented():
    text = README.read_text()
    example = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(compile(example, str(README), "exec"), namespace)
    assert namespace["result"].complete and namespace["result"].interleavings == 6
    assert namespace["racy"].failure.kind == "check"

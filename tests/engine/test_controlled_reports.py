"""Failure kinds and their explanations: deadlock, lost wake-up, busy-wait, unshared state,
unpicklable objects, primitives not from ctx, exceptions; timelines and naming."""
import pytest

from autograder.engine import Scenario, explore, replay
from tests.engine.controlled_helpers import (GlobalMpLockCounter, GoodSignal, LazyLockCounter,
                                LazyMpLockCounter,
                                LostWakeupSignal,
                                PlainIntCounter, RacyCounter, SafeCounter, SpinFlag,
                                ThreadingLockCounter, bank_scenario, buffer_scenario,
                                counter_scenario, result_why, signal_scenario, why)



@pytest.mark.parametrize("strategy", ["random", "pct", "exhaustive"])
def test_lost_wakeup_is_reported_as_deadlock_without_cycle(strategy):
    r = explore(signal_scenario(LostWakeupSignal), strategy=strategy, seed=4, max_schedules=200)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind == "deadlock", why(f)
    assert f.deadlock_cycle is None, why(f)
    assert "P1 waits on _cond for a notify that never comes" in f.message, why(f)
    assert "P2 finished" in f.message, why(f)
    # the timeline shows the notify that nobody received
    assert "P2 notifies _cond (nobody is waiting)" in f.timeline, why(f)


def test_correct_signal_passes():
    for strategy in ("random", "pct", "exhaustive"):
        r = explore(signal_scenario(GoodSignal), strategy=strategy, seed=4, max_schedules=300)
        assert r.ok, result_why(r)


def test_busy_wait_on_shared_memory_hits_the_step_budget():
    sc = Scenario("spin on a flag nobody sets", lambda ctx: SpinFlag(ctx=ctx),
                  [lambda s: s.spin_shared()], step_budget=2_000)
    r = explore(sc, max_schedules=5)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind == "step-budget", why(f)
    assert "busy-wait" in f.message and "P1" in f.message, why(f)
    assert len(f.timeline.splitlines()) <= 25, why(f)
    assert "P1 reads flag = 0" in f.timeline, why(f)


def test_busy_wait_on_the_clock_hits_the_step_budget():
    sc = Scenario("spin until a deadline", lambda ctx: SpinFlag(ctx=ctx),
                  [lambda s: s.spin_clock(1.0)], step_budget=3_000)
    f = explore(sc, max_schedules=5).failure
    assert f is not None and f.kind == "step-budget", why(f)


def test_spin_on_plain_attribute_is_interrupted():
    sc = Scenario("spin on a plain attribute", lambda ctx: SpinFlag(ctx=ctx),
                  [lambda s: s.spin_plain()], hang_timeout=0.3)
    r = explore(sc, max_schedules=5)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind == "step-budget", why(f)
    assert "not shared" in f.message, why(f)


def test_plain_attribute_counter_loses_updates():
    r = explore(counter_scenario(PlainIntCounter), "random", seed=1, max_schedules=50)
    assert not r.ok, result_why(r)
    assert r.failure.kind == "check", why(r.failure)
    assert r.failure.message == "expected value 4, got 0", why(r.failure)
    assert r.schedules_run == 1


def test_threading_lock_is_unpicklable():
    r = explore(counter_scenario(ThreadingLockCounter), max_schedules=10)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind == "unpicklable", why(f)
    assert "ThreadingLockCounter._lock" in f.message, why(f)
    assert "threading.Lock" in f.message and "spawn" in f.message, why(f)
    assert f.schedule == [], why(f)
    assert replay(counter_scenario(ThreadingLockCounter), []) == f


def test_real_multiprocessing_lock_is_reported_as_not_from_ctx():
    r = explore(counter_scenario(GlobalMpLockCounter), max_schedules=10)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind == "foreign-primitive", why(f)
    assert "GlobalMpLockCounter._lock" in f.message and "ctx" in f.message, why(f)


def test_real_multiprocessing_lock_created_inside_a_process_is_refused():
    """A real SemLock would block the whole simulation inside C; it is refused instead."""
    import multiprocessing.synchronize as sync
    real_init = sync.SemLock.__init__
    r = explore(counter_scenario(LazyMpLockCounter), max_schedules=10)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind == "foreign-primitive", why(f)
    assert f.message.startswith("P1 created a multiprocessing Lock that does not come from ctx")
    assert sync.SemLock.__init__ is real_init            # restored afterwards
    multiprocessing_lock = sync.Lock(ctx=None)           # and usable again
    assert multiprocessing_lock.acquire(False)


def test_exception_in_a_process_is_captured_with_pid_and_traceback():
    def bad(obj):
        obj.increment(1)
        return [][1]

    sc = Scenario("raises", lambda ctx: SafeCounter(0, ctx=ctx),
                  [lambda o: o.increment(1), bad])
    f = explore(sc, max_schedules=10).failure
    assert f is not None and f.kind == "exception", why(f)
    assert f.message == "P2 raised IndexError: list index out of range", why(f)
    assert "return [][1]" in f.traceback and "IndexError" in f.traceback, why(f)
    assert "_sim.py" not in f.traceback, why(f)
    assert f.timeline.splitlines()[-1] == f.message, why(f)


def test_timeline_for_racy_counter_names_value_and_shows_writes():
    r = explore(counter_scenario(RacyCounter), "random", seed=3, max_schedules=200)
    f = r.failure
    assert f is not None, result_why(r)
    lines = f.timeline.splitlines()
    assert len(lines) <= 25, why(f)
    assert any(line.startswith("P1 reads _value = ") for line in lines), why(f)
    assert any(line.startswith("P2 writes _value = ") for line in lines), why(f)
    assert lines[-1].endswith(f.message), why(f)


def test_timeline_names_value_lock_and_collapses_long_runs():
    sc = counter_scenario(SafeCounter, nprocs=2, increments=20)
    sc.check = lambda obj, r: "always fails"
    f = explore(sc, "random", seed=1, max_schedules=1).failure
    assert f is not None and f.kind == "check", why(f)
    lines = f.timeline.splitlines()
    assert len(lines) <= 25, why(f)
    assert "_value.get_lock()" in f.timeline, why(f)
    assert "more steps" in f.timeline or "omitted" in f.timeline, why(f)


def test_deadlock_timeline_ends_with_the_cycle():
    f = explore(bank_scenario(), "random", seed=1, max_schedules=200).failure
    assert f is not None and f.kind == "deadlock", why(f)
    assert f.timeline.splitlines()[-1].startswith("DEADLOCK: P1 holds locks[0]"), why(f)
    assert len(f.timeline.splitlines()) <= 25, why(f)


def test_primitives_nested_in_containers_are_named_by_path():
    class Inner:
        def __init__(self, ctx):
            self.cond = ctx.Condition()

    class Outer:
        def __init__(self, ctx):
            self.table = {"a": ctx.Lock()}
            self.inner = Inner(ctx)
            self.sems = (ctx.Semaphore(0),)

    def p1(o):
        with o.table["a"]:
            with o.inner.cond:
                o.sems[0].acquire()

    def p2(o):
        with o.table["a"]:
            pass

    sc = Scenario("names", Outer, [p1, p2])
    f = explore(sc, "exhaustive", max_schedules=50).failure
    assert f is not None and f.kind == "deadlock", why(f)
    assert "P1 waits for sems[0] (value 0) to be released" in f.message, why(f)
    assert "P2 waits for table['a'] (held by P1)" in f.message, why(f)
    assert "P1 acquires inner.cond" in f.timeline, why(f)


def test_lock_left_held_by_a_finished_process():
    class Leaky:
        def __init__(self, ctx):
            self.lock = ctx.Lock()

        def leak(self):
            self.lock.acquire()

        def use(self):
            with self.lock:
                pass

    sc = Scenario("leak", Leaky, [lambda o: o.leak(), lambda o: o.use()])
    f = explore(sc, "exhaustive", max_schedules=10).failure
    assert f is not None and f.kind == "deadlock", why(f)
    assert "held by P1, which finished without releasing it" in f.message, why(f)


def test_failure_describe_mentions_seed_and_schedule():
    f = explore(buffer_scenario(False), "random", seed=9, max_schedules=200).failure
    assert f is not None, "random did not find the stolen wake-up"
    text = f.describe()
    assert "seed=9" in text and str(f.schedule) in text and f.message in text, why(f)


def test_per_process_locks_are_named_as_such():
    r = explore(counter_scenario(LazyLockCounter), "random", seed=1, max_schedules=200)
    f = r.failure
    assert f is not None and f.kind == "check", result_why(r)
    assert "P1 acquires P1's own _lock" in f.timeline, why(f)
    assert "P2 acquires P2's own _lock" in f.timeline, why(f)


def test_sys_exit_zero_is_a_normal_end_and_other_codes_fail():
    import sys
    sc = Scenario("exit 0", lambda ctx: ctx.Value('i', 0), [lambda v: sys.exit(0)])
    r = explore(sc, max_schedules=2)
    assert r.ok, result_why(r)
    sc = Scenario("exit 3", lambda ctx: ctx.Value('i', 0), [lambda v: sys.exit(3)])
    f = explore(sc, max_schedules=2).failure
    assert f is not None and f.kind == "exception" and "SystemExit" in f.message, why(f)

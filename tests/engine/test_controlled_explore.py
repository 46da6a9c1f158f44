"""Schedule exploration: bugs found by every strategy, correct code passes, determinism,
replay and shrinking."""
import pytest

from autograder.engine import Scenario, explore, replay
from autograder.engine._shrink import MAX_STEPS
from tests.engine.controlled_helpers import (RacyCounter, SafeCounter, SeparateLockCounter, bank_scenario,
                                buffer_scenario, counter_scenario, result_why, why)


STRATEGIES = ["random", "pct", "exhaustive"]


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_racy_counter_is_found_by_every_strategy(strategy):
    sc = counter_scenario(RacyCounter)
    r = explore(sc, strategy=strategy, seed=7, max_schedules=200)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind == "check", why(f)
    assert f.message.startswith("expected value 4, got "), why(f)
    assert f.strategy == strategy and f.seed == 7, why(f)
    assert r.schedules_run <= 200


@pytest.mark.parametrize("cls", [SafeCounter, SeparateLockCounter])
@pytest.mark.parametrize("strategy", ["random", "pct"])
def test_correct_counter_passes_500_schedules(cls, strategy):
    r = explore(counter_scenario(cls), strategy=strategy, seed=3, max_schedules=500)
    assert r.ok, result_why(r)
    assert r.schedules_run == 500


def test_correct_counter_passes_exhaustive_search():
    r = explore(counter_scenario(SafeCounter), strategy="exhaustive", max_schedules=5000,
                max_preemptions=2)
    assert r.ok, result_why(r)
    assert r.exhausted and 1 < r.schedules_run < 5000


def test_three_processes_correct_counter():
    r = explore(counter_scenario(SafeCounter, nprocs=3, increments=3), "random", seed=5,
                max_schedules=200)
    assert r.ok, result_why(r)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_deadlock_found_with_its_cycle(strategy):
    r = explore(bank_scenario(), strategy=strategy, seed=11, max_schedules=200)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind == "deadlock", why(f)
    assert f.message == ("deadlock: P1 holds locks[0] and waits for locks[1]; "
                         "P2 holds locks[1] and waits for locks[0]"), why(f)
    assert [tuple(e) for e in f.deadlock_cycle] == [
        ("P1", "locks[0]", "locks[1]", "P2"), ("P2", "locks[1]", "locks[0]", "P1")], why(f)
    assert "P2 blocks on locks[0] (held by P1)" in f.timeline or \
        "P1 blocks on locks[1] (held by P2)" in f.timeline, why(f)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_if_instead_of_while_around_wait_is_found(strategy):
    # the stolen wake-up needs P2 waiting, P1 putting, and P3 taking the item before P2
    # re-acquires the lock: one preemption, but a few hundred schedules for a full DFS
    budget = 1000 if strategy == "exhaustive" else 200
    r = explore(buffer_scenario(use_while=False), strategy=strategy, seed=2,
                max_schedules=budget, max_preemptions=2)
    assert not r.ok, result_why(r)
    f = r.failure
    assert f.kind in ("exception", "check"), why(f)
    assert "IndexError" in f.message or "consumers got" in f.message, why(f)


def test_while_around_wait_passes():
    for strategy in ("random", "pct"):
        r = explore(buffer_scenario(use_while=True), strategy=strategy, seed=2,
                    max_schedules=300)
        assert r.ok, result_why(r)


def test_same_seed_same_result_and_different_seeds_run():
    sc = counter_scenario(RacyCounter, nprocs=2, increments=3)
    for strategy in ("random", "pct"):
        a = explore(sc, strategy=strategy, seed=42, max_schedules=200)
        b = explore(sc, strategy=strategy, seed=42, max_schedules=200)
        assert not a.ok, result_why(a)
        assert a.schedules_run == b.schedules_run
        assert a.failure == b.failure, why(a.failure) + "\n---\n" + why(b.failure)
        assert a.failure.original_schedule == b.failure.original_schedule, why(a.failure)


def test_replay_reproduces_exactly():
    for sc in (counter_scenario(RacyCounter), bank_scenario(), buffer_scenario(False)):
        r = explore(sc, strategy="random", seed=5, max_schedules=200)
        assert not r.ok, result_why(r)
        again = replay(sc, r.failure.schedule)
        assert again == r.failure, why(r.failure) + "\n--- replay:\n" + why(again)
        assert again.timeline == r.failure.timeline, why(r.failure)
        # replaying the unshrunk schedule fails the same way too
        orig = replay(sc, r.failure.original_schedule)
        assert orig is not None and orig.kind == r.failure.kind, why(orig)


def test_replay_of_a_passing_schedule_returns_none():
    assert replay(counter_scenario(SafeCounter), [1, 2, 1, 2, 2, 1]) is None
    assert replay(counter_scenario(RacyCounter), []) is None     # serial run is fine


def test_shrinking_never_lengthens_and_minimises_preemptions():
    sc = counter_scenario(RacyCounter, nprocs=2, increments=5)
    for seed in range(5):
        r = explore(sc, strategy="random", seed=seed, max_schedules=200)
        assert not r.ok, result_why(r)
        f = r.failure
        assert len(f.schedule) <= len(f.original_schedule), why(f)
        # a lost update needs a single preemption between a read and its write
        again = replay(sc, f.schedule)
        assert again == f, why(f)
        assert len(f.schedule) <= 4, why(f)


def test_shrinking_a_long_failure_stops_at_its_step_budget():
    """A failure thousands of steps long (a busy-wait in virtual time makes such runs) is shrunk
    within the shrink's step budget, not with its 300 replays (minutes of a judge's time),
    and what comes out still fails the same way and is no longer than what went in."""
    calls = [0]

    class CountedRacyCounter(RacyCounter):
        def increment(self, n=1):
            calls[0] += 1
            super().increment(n)

    increments = 2_000
    sc = counter_scenario(CountedRacyCounter, nprocs=2, increments=increments)
    r = explore(sc, strategy="random", seed=1, max_schedules=20)
    assert not r.ok, result_why(r)
    f = r.failure
    assert len(f.original_schedule) > 3_000 and len(f.schedule) <= len(f.original_schedule), why(f)
    assert replay(sc, f.schedule) == f, why(f)
    runs = calls[0] / (2 * increments)          # whole runs' worth of increments
    # this run is long enough for the step budget, not the 300 replays, to end the shrink
    assert MAX_STEPS // len(f.original_schedule) < 20
    # the exploration, the confirming replay, the shrink's replays (about 13) and the logged
    # replay; without the step budget, about 300
    assert runs < 40, runs


def test_shrinking_can_be_disabled():
    sc = counter_scenario(RacyCounter, nprocs=2, increments=5)
    r = explore(sc, strategy="random", seed=1, max_schedules=200, shrink=False)
    assert not r.ok, result_why(r)
    assert replay(sc, r.failure.schedule) == r.failure, why(r.failure)


def test_exhaustive_respects_preemption_bound():
    sc = counter_scenario(RacyCounter)
    r0 = explore(sc, strategy="exhaustive", max_schedules=1000, max_preemptions=0)
    assert r0.ok and r0.exhausted, result_why(r0)     # serial executions only
    assert r0.schedules_run == 2                     # P1 first or P2 first
    r1 = explore(sc, strategy="exhaustive", max_schedules=1000, max_preemptions=1)
    assert not r1.ok, result_why(r1)


def test_results_and_exceptions_reach_the_check():
    seen = {}

    def check(obj, results):
        seen["results"] = results

    def boom(obj):
        raise KeyError("k")

    sc = Scenario("results", lambda ctx: ctx.Value('i', 0), [lambda o: 41 + 1, boom], check,
                  allow_exceptions=True)
    r = explore(sc, max_schedules=3)
    assert r.ok, result_why(r)
    assert seen["results"][0] == 42 and isinstance(seen["results"][1], KeyError)


def test_check_may_raise_assertion_or_return_false():
    sc = Scenario("assert", lambda ctx: ctx.Value('i', 0), [lambda o: None],
                  lambda o, r: (_ for _ in ()).throw(AssertionError("nope")))
    f = explore(sc, max_schedules=1).failure
    assert f.kind == "check" and f.message == "nope", why(f)
    sc = Scenario("false", lambda ctx: ctx.Value('i', 0), [lambda o: None], lambda o, r: False)
    f = explore(sc, max_schedules=1).failure
    assert f.kind == "check", why(f)


def test_time_limit_stops_early():
    r = explore(counter_scenario(SafeCounter), "random", seed=1, max_schedules=10 ** 9,
                time_limit=0.2)
    assert r.ok and 0 < r.schedules_run < 10 ** 9, result_why(r)


def test_unknown_strategy_rejected():
    with pytest.raises(ValueError, match="strategy"):
        explore(counter_scenario(SafeCounter), strategy="bfs")


def test_keyboard_interrupt_in_a_process_ends_the_exploration():
    import time

    def interrupted(obj):
        raise KeyboardInterrupt

    real_sleep = time.sleep
    sc = Scenario("ctrl-c", lambda ctx: ctx.Value('i', 0), [lambda v: v.value, interrupted])
    with pytest.raises(KeyboardInterrupt):
        explore(sc, max_schedules=3)
    assert time.sleep is real_sleep


def test_exhaustive_is_deterministic():
    sc = buffer_scenario(use_while=False)
    a = explore(sc, "exhaustive", max_schedules=1000)
    b = explore(sc, "exhaustive", max_schedules=1000)
    assert not a.ok, result_why(a)
    assert a.schedules_run == b.schedules_run and a.failure == b.failure, why(a.failure)


def test_real_process_started_inside_the_class_is_refused_not_run():
    import os

    from autograder.engine import Scenario, explore

    class ForksInConstructor:
        def __init__(self, *, ctx):
            self.v = ctx.Value("q", 0)
            if os.fork() == 0:       # would run once per explored schedule if allowed
                os._exit(0)

    scenario = Scenario("forks in __init__", lambda ctx: ForksInConstructor(ctx=ctx), [lambda o: None])
    result = explore(scenario, strategy="exhaustive", max_schedules=50)
    assert not result.ok
    assert "started a real process" in result.failure.message, result.failure.describe()
    assert os.fork is not None and "guarded" not in os.fork.__name__   # restored afterwards

"""Time as a scheduling choice: a timeout can expire while the process it waits for is still
running, every strategy can choose it, replays repeat it, and the clock is fair."""
import time

import pytest

from autograder.engine import DPORScheduler, Scenario, explore, hooks, replay
from tests.engine.controlled_helpers import why



class Holder:
    def __init__(self, ctx):
        self.lock = ctx.Lock()
        self.value = ctx.Value("q", 0, lock=False)


def _hold_then_release(h):
    with h.lock:
        h.value.value += 1          # work while holding the lock: a timeout may expire now
        h.value.value += 1


def _timed_acquire(h):
    got = h.lock.acquire(timeout=1.0)
    if got:
        h.lock.release()
    return got


def test_a_timeout_can_expire_while_the_holder_is_still_running():
    seen = set()

    def check(h, results):
        seen.add(results[1])

    sc = Scenario("P1 holds the lock; P2 acquire(timeout=1)", Holder,
                  [_hold_then_release, _timed_acquire], check)
    r = explore(sc, "dpor", max_schedules=500)
    assert r.ok and r.complete, str(r)
    assert seen == {True, False}


@pytest.mark.parametrize("strategy", ["random", "pct", "exhaustive", "dpor"])
def test_every_strategy_can_let_the_timeout_expire_and_replay_repeats_it(strategy):
    def check(h, results):
        if results[1] is False:
            return "P2's acquire(timeout=1) timed out"
        return None

    sc = Scenario("expiry", Holder, [_hold_then_release, _timed_acquire], check)
    r = explore(sc, strategy, seed=3, max_schedules=500)
    assert not r.ok, str(r)
    f = r.failure
    assert 0 in f.schedule, why(f)               # the clock's choice: pid 0
    assert "virtual time advances" in f.timeline, why(f)
    assert replay(sc, f.schedule) == f, why(f)


def test_the_clock_is_only_a_choice_while_some_wait_has_a_deadline():
    sc = Scenario("no timed waits", Holder, [_hold_then_release, _hold_then_release])
    r = explore(sc, "dpor", max_schedules=100)
    assert r.ok and r.complete and r.interleavings == 2, str(r)
    failing = Scenario("always fails", Holder, [_hold_then_release, _hold_then_release],
                       lambda h, results: "fail")
    schedules = [explore(failing, "random", seed=seed, max_schedules=1).failure.original_schedule
                 for seed in range(20)]
    assert any(schedules) and all(0 not in s for s in schedules), schedules


def test_a_retry_loop_with_a_timeout_is_not_starved_forever():
    """The clock is fair: a process that could run is passed over by at most a couple of
    clock jumps, so retrying acquire(timeout=0.1) always gets the lock eventually."""
    def retry(h):
        while not h.lock.acquire(timeout=0.1):
            pass
        h.value.value += 10
        h.lock.release()

    sc = Scenario("retry loop", Holder, [_hold_then_release, retry],
                  lambda h, r: None if h.value.value == 12 else f"value {h.value.value}",
                  step_budget=2_000)
    r = explore(sc, "dpor", max_schedules=5_000)
    assert r.ok and r.complete, str(r)


def test_time_spent_in_timed_waits_is_counted_up_to_each_deadline():
    def waiter(h):
        start = time.monotonic()
        got = h.lock.acquire(timeout=0.5)
        return got, time.monotonic() - start, hooks.timed_wait_seconds()

    def holder(h):
        with h.lock:
            time.sleep(2.0)        # holds it long past the waiter's deadline

    results = {}

    def check(h, r):
        results["waiter"] = r[1]

    sc = Scenario("waits 0.5 s for a lock held 2 s", Holder, [holder, waiter], check)
    f = replay(sc, [])
    assert f is None, why(f)
    got, elapsed, waited = results["waiter"]
    assert got is False
    assert elapsed == pytest.approx(0.5) and waited == pytest.approx(0.5)


def test_a_late_wake_up_is_not_counted_as_waiting():
    """When the clock jumps past a deadline while the waiter is kept from running, the
    elapsed time exceeds the timeout but the time spent waiting does not."""
    seen = []

    def waiter(h):
        start = time.monotonic()
        got = h.lock.acquire(timeout=0.5)
        elapsed = time.monotonic() - start
        if got:
            h.lock.release()
        return got, elapsed, hooks.timed_wait_seconds()

    def holder(h):
        with h.lock:
            time.sleep(3.0)

    def check(h, r):
        seen.append(r[1])

    r = explore(Scenario("late", Holder, [holder, waiter], check), DPORScheduler(), max_schedules=2_000)
    assert r.ok and r.complete, str(r)
    assert any(got is False and elapsed > 2.9 for got, elapsed, _ in seen), seen
    assert all(waited <= 0.5 + 1e-9 for _, _, waited in seen), seen

"""Dynamic partial-order reduction against plain exhaustive search.

Small random programs (fixed seeds) over every kind of primitive, timed waits and sleeps
included: DPOR must reach exactly the final states that a depth-first search of every
interleaving reaches, find a deadlock exactly when it finds one, and say it is complete.
"""
import random
import time

import pytest

from autograder.engine import DFSScheduler, DPORScheduler, Scenario, explore


N_VALUES, N_LOCKS = 2, 2


class World:
    """The shared state the random programs work on."""

    def __init__(self, ctx):
        self.values = [ctx.Value("q", 0, lock=False) for _ in range(N_VALUES)]
        self.cells = ctx.Array("q", 3, lock=False)
        self.locks = [ctx.Lock() for _ in range(N_LOCKS)]
        self.rlock = ctx.RLock()
        self.sem = ctx.Semaphore(1)
        self.sem2 = ctx.Semaphore(2)          # two holders at once: what it guards races
        self.bounded = ctx.BoundedSemaphore(2)
        self.cond = ctx.Condition(ctx.Lock())
        self.event = ctx.Event()

    def state(self):
        return (tuple(v.value for v in self.values), tuple(self.cells[:]), self.event.is_set())


#: every operation the programs use, and the deadlock-prone mix (locks taken in both orders,
#: an event nobody may set)
KINDS = ("inc_locked", "inc_racy", "read", "cell", "lock_timeout", "sem", "sem2", "sem2", "bounded",
         "cond_wait",
         "notify", "event_set", "event_clear", "event_wait", "sleep", "now", "rlock_twice")
DEADLOCKY = ("nested", "nested", "nested", "inc_locked", "lock_timeout", "event_wait_forever",
             "event_set", "rlock_twice", "cond_wait", "notify")


def _op(rng, kinds):
    """One random operation: (name, arguments)."""
    timeout = rng.choice([0, 0.001, 0.5, 1.0])
    return rng.choice(kinds), (rng.randrange(N_VALUES), rng.randrange(N_LOCKS), rng.randrange(3),
                               rng.randint(-3, 3), timeout, rng.randrange(N_LOCKS))


def _run(world, program):
    """What one process does; returns what it observed."""
    seen = []
    for kind, (v, lk, cell, k, timeout, other) in program:
        value, lock = world.values[v], world.locks[lk]
        if kind == "inc_locked":
            with lock:
                value.value = value.value + k
        elif kind == "inc_racy":
            value.value = value.value + k
        elif kind == "read":
            seen.append(value.value)
        elif kind == "cell":
            world.cells[cell] += k
        elif kind == "lock_timeout":
            got = lock.acquire(timeout=timeout)
            seen.append(got)
            if got:
                value.value += 1
                lock.release()
        elif kind == "sem":
            with world.sem:
                value.value = value.value * 2 + 1
        elif kind == "sem2":
            with world.sem2:
                value.value = value.value + k
        elif kind == "bounded":
            got = world.bounded.acquire(timeout=timeout)
            seen.append(got)
            if got:
                seen.append(world.bounded.get_value())
                world.bounded.release()
        elif kind == "cond_wait":
            with world.cond:
                seen.append(world.cond.wait(timeout))
                seen.append(value.value)
        elif kind == "notify":
            with world.cond:
                value.value += k
                world.cond.notify()
        elif kind == "event_set":
            world.event.set()
        elif kind == "event_clear":
            world.event.clear()
        elif kind == "event_wait":
            seen.append(world.event.wait(timeout))
        elif kind == "event_wait_forever":
            seen.append(world.event.wait())
        elif kind == "sleep":
            time.sleep(timeout)
        elif kind == "now":
            seen.append(round(time.monotonic(), 6))
        elif kind == "rlock_twice":
            with world.rlock:
                with world.rlock:
                    value.value -= 1
        elif kind == "nested":
            with lock:
                with world.locks[other] if other != lk else world.rlock:
                    value.value += k
    return seen


def _scenario(seed, kinds):
    rng = random.Random(seed)
    shape = rng.choice([(1, 1), (1, 2), (2, 1), (1, 1, 1)])
    programs = [[_op(rng, kinds) for _ in range(n)] for n in shape]
    finals = set()

    def check(world, results):
        finals.add((world.state(), tuple(tuple(r) for r in results)))

    scenario = Scenario(f"random program {seed}", World,
                        [lambda w, p=p: _run(w, p) for p in programs], check, step_budget=5_000)
    return scenario, finals, programs


def _explicit(programs):
    """(DFS final states, DPOR final states, DPOR result) for fixed ``programs``."""
    finals = {}
    results = {}
    for name, scheduler in (("dfs", DFSScheduler(max_preemptions=10 ** 6)), ("dpor", DPORScheduler())):
        seen = finals[name] = set()

        def check(world, res, seen=seen):
            seen.add((world.state(), tuple(tuple(r) for r in res)))

        sc = Scenario("explicit", World, [lambda w, p=p: _run(w, p) for p in programs], check)
        results[name] = explore(sc, scheduler, max_schedules=20_000, shrink=False)
        assert results[name].ok and results[name].complete, str(results[name])
    return finals["dfs"], finals["dpor"], results["dpor"]


def _args(value=0, lock=0, cell=0, k=1, timeout=0.5, other=1):
    return (value, lock, cell, k, timeout, other)


@pytest.mark.parametrize("programs,must_see", [
    # a counting semaphore lets both in: what it guards still races (a lost update)
    ([[("sem2", _args(k=1))], [("sem2", _args(k=2))]], lambda f: {v[0][0][0] for v in f} == {1, 2, 3}),
    # a clock read races with the expiry of another process's sleep
    ([[("now", _args())], [("sleep", _args(timeout=0.5))]], lambda f: {r[1][0][0] for r in f} == {1000.0, 1000.5}),
    # a timed acquire races with the release that would have let it in
    ([[("inc_locked", _args())], [("lock_timeout", _args(timeout=0))]], lambda f: {r[1][1][0] for r in f} == {True, False}),
], ids=["counting-semaphore", "clock-read-vs-expiry", "timed-acquire-vs-release"])
def test_dpor_keeps_the_races_that_are_easy_to_lose(programs, must_see):
    dfs_finals, dpor_finals, dpor = _explicit(programs)
    assert must_see(dfs_finals), dfs_finals
    assert dpor_finals == dfs_finals, (dfs_finals, dpor_finals)


DFS_CAP = 3_000         # programs whose interleavings DFS cannot list within this are not compared


def _compare(seed, kinds):
    """(DFS result, DPOR result, what failed) for one random program; DFS None if too big."""
    dfs_scenario, dfs_finals, programs = _scenario(seed, kinds)
    dfs = explore(dfs_scenario, DFSScheduler(max_preemptions=10 ** 6), max_schedules=DFS_CAP,
                  shrink=False)
    if dfs.ok and not dfs.complete:
        return None, None, None
    dpor_scenario, dpor_finals, _ = _scenario(seed, kinds)
    dpor = explore(dpor_scenario, DPORScheduler(), max_schedules=DFS_CAP, shrink=False)
    problems = []
    if dfs.ok != dpor.ok:
        problems.append(f"DFS: {dfs}\nDPOR: {dpor}")
    elif dfs.ok:
        if not dpor.complete:
            problems.append(f"DPOR did not finish: {dpor}")
        if dpor_finals != dfs_finals:
            problems.append(f"only DFS: {dfs_finals - dpor_finals}\nonly DPOR: {dpor_finals - dfs_finals}")
        if dpor.interleavings > dfs.interleavings:
            problems.append(f"DPOR ran more: {dpor.interleavings} > {dfs.interleavings}")
    elif dpor.failure.kind != dfs.failure.kind:
        problems.append(f"DFS found {dfs.failure.kind}, DPOR {dpor.failure.kind}")
    return dfs, dpor, "; ".join(f"{programs}: {p}" for p in problems)


@pytest.mark.parametrize("first_seed", range(0, 80, 40))
def test_dpor_reaches_every_final_state_that_exhaustive_search_reaches(first_seed):
    compared = 0
    for seed in range(first_seed, first_seed + 40):
        dfs, dpor, problem = _compare(seed, KINDS)
        if dfs is None:
            continue
        compared += 1
        assert not problem, f"seed {seed}: {problem}"
    assert compared >= 18, f"only {compared} of 40 programs were small enough to compare"


def test_dpor_finds_a_deadlock_exactly_when_exhaustive_search_does_and_prunes_a_lot():
    compared = deadlocks = dfs_runs = dpor_runs = 0
    for seed in range(1000, 1045):
        dfs, dpor, problem = _compare(seed, DEADLOCKY)
        if dfs is None:
            continue
        compared += 1
        assert not problem, f"seed {seed}: {problem}"
        if dfs.ok:
            dfs_runs += dfs.schedules_run
            dpor_runs += dpor.schedules_run
        else:
            assert dfs.failure.kind == "deadlock", f"seed {seed}: {dfs}"
            deadlocks += 1
    assert compared >= 20 and deadlocks >= 5, (compared, deadlocks)
    assert dpor_runs * 10 < dfs_runs, (dpor_runs, dfs_runs)


class _Slot:
    """A one-counter mailbox guarded by a Condition, as the graded bounded queue."""

    def __init__(self, ctx):
        self.count = ctx.Value("q", 0, lock=False)
        self.cond = ctx.Condition(ctx.Lock())

    def get(self, timeout):
        with self.cond:
            if not self.cond.wait_for(lambda: self.count.value > 0, timeout):
                return None
            self.count.value -= 1
            self.cond.notify()
            return 1

    def put(self):
        with self.cond:
            self.count.value += 1
            self.cond.notify()


def test_dpor_is_complete_when_timeouts_race_with_sleeps():
    """A timed get against sleeps that end in puts: the clock's moves are enabled by the
    waits they end (a sleep and the move that ends it are not a race), and a new earliest
    deadline makes the clock's pending move another one.  Without both the search asked
    for clock moves that could not happen and gave up its completeness."""
    def producer(slot):
        for _ in range(3):
            time.sleep(0.3)
            slot.put()
            slot.get(0.05)

    finals = set()
    scenario = Scenario("timed get against sleeps", _Slot, [lambda s: s.get(1.0), producer],
                        lambda s, r: finals.add((s.count.value, r[0])))
    result = explore(scenario, DPORScheduler(), max_schedules=5_000, shrink=False)
    assert result.ok and result.complete, str(result)
    assert result.schedules_run == result.interleavings      # none abandoned
    assert {got for _, got in finals} == {None, 1}

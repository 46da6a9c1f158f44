"""Benchmark of the controlled-interleaving engine (autograder.engine).

1. Graded scenarios: every scenario the exercises' controlled checks explore, built from
   each lesson's solution (source/*/), explored by plain exhaustive DFS (no preemption
   bound) and by DPOR: executions needed, distinct interleavings, wall time.  Goals: DPOR
   completes every graded scenario small enough in under 1 s, with at least 10x fewer
   executions than DFS on three-process scenarios.
2. Throughput: executions per second on the counter scenario, per strategy.
3. Bug-finding power: executions until the first failure for a few buggy scenarios, per
   strategy, over several seeds (median and worst), without shrinking.
4. The judge: DPOR and the first sampled search (PCT or random walk) of every graded
   scenario of each lesson's solution, with the class in this interpreter and with each
   simulated process a worker process whose every operation the engine performs
   (autograder/judge): executions per second each way.

Figures to read, not assertions (shared machines).
Run:  .venv/bin/python benchmarks/engine_bench.py [--quick]

``--reference`` runs instead the reference suite (engine_reference.py, also runnable on its
own): Nidhugg's smoke tests and four dining philosophers against published figures; it
exits non-zero when a program does not match.
"""
from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

import autograder.engine as controlled
from autograder.checks import exercise_for
from autograder.checks.answers import cell_to_module_source, load_answer
from autograder.checks.controlled import ControlledProperty
from autograder.engine import STRATEGIES, DFSScheduler, DPORScheduler, Scenario, explore

REPO = Path(__file__).resolve().parent.parent
EXERCISES = {"safe_counter": "02-locks", "bounded_queue": "05-conditions", "lock_ordering": "06-deadlock"}


# --------------------------------------------------------------------------- classes
class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._value = ctx.Value('q', initial)

    def increment(self, n=1):
        with self._value.get_lock():
            self._value.value += n

    @property
    def value(self):
        return self._value.value


class RacyCounter(SafeCounter):
    def __init__(self, initial=0, *, ctx=None):
        self._value = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        self._value.value += n


class OppositeOrderBank:
    def __init__(self, balances, *, ctx):
        self.locks = [ctx.Lock() for _ in balances]
        self.balances = ctx.Array('q', list(balances), lock=False)

    def transfer(self, src, dst, amount):
        with self.locks[src]:
            with self.locks[dst]:
                self.balances[src] -= amount
                self.balances[dst] += amount


class IfWaitBuffer:
    """Bounded buffer with ``if`` instead of ``while`` around Condition.wait."""

    def __init__(self, capacity, *, ctx):
        self._cap = capacity
        self._items = ctx.Array('q', capacity, lock=False)
        self._head = ctx.Value('i', 0, lock=False)
        self._count = ctx.Value('i', 0, lock=False)
        self._lock = ctx.Lock()
        self._not_empty = ctx.Condition(self._lock)
        self._not_full = ctx.Condition(self._lock)

    def put(self, item):
        with self._lock:
            while self._count.value == self._cap:
                self._not_full.wait()
            self._items[(self._head.value + self._count.value) % self._cap] = item
            self._count.value += 1
            self._not_empty.notify()

    def get(self):
        with self._lock:
            if self._count.value == 0:
                self._not_empty.wait()
            head = self._head.value
            item = self._items[head]
            self._head.value = (head + 1) % self._cap
            self._count.value -= 1
            self._not_full.notify()
            return item


class LostWakeup:
    def __init__(self, *, ctx):
        self._flag = ctx.Value('b', 0, lock=False)
        self._cond = ctx.Condition()

    def wait(self):
        if not self._flag.value:
            with self._cond:
                self._cond.wait()

    def set(self):
        self._flag.value = 1
        with self._cond:
            self._cond.notify_all()


class TimeoutAsSafetyNet(SafeCounter):
    """Takes its lock with a timeout "so it can never hang" and adds anyway when it expires."""

    def __init__(self, initial=0, *, ctx=None):
        self._lock = ctx.Lock()
        self._value = ctx.Value('q', initial, lock=False)

    def increment(self, n=1):
        got = self._lock.acquire(timeout=0.5)
        try:
            self._value.value += n
        finally:
            if got:
                self._lock.release()


# --------------------------------------------------------------------------- scenarios
def counter(cls, nprocs=2, increments=2):
    total = nprocs * increments

    def body(c):
        for _ in range(increments):
            c.increment(1)

    return Scenario(f"{cls.__name__}: {nprocs} processes x {increments} increments",
                    lambda ctx: cls(0, ctx=ctx), [body] * nprocs,
                    lambda c, r: None if c.value == total
                    else f"expected value {total}, got {c.value}")


def bank():
    return Scenario("opposite lock order (deadlock)",
                    lambda ctx: OppositeOrderBank([100, 100], ctx=ctx),
                    [lambda b: b.transfer(0, 1, 10), lambda b: b.transfer(1, 0, 20)])


def if_wait():
    def producer(b):
        b.put(1)
        b.put(2)

    return Scenario("if instead of while around wait (stolen wake-up)",
                    lambda ctx: IfWaitBuffer(2, ctx=ctx),
                    [producer, lambda b: b.get(), lambda b: b.get()],
                    lambda b, r: None if sorted(r[1:]) == [1, 2] else f"got {r[1:]}")


def lost_wakeup():
    return Scenario("flag tested outside the lock (lost wake-up)",
                    lambda ctx: LostWakeup(ctx=ctx), [lambda s: s.wait(), lambda s: s.set()])


# --------------------------------------------------------------------------- 1. graded scenarios
def solution_class(exercise_id):
    """The class in the answer cell of the lesson's source notebook."""
    folder = EXERCISES[exercise_id]
    nb = nbformat.read(REPO / "source" / folder / f"{folder}.ipynb", as_version=4)
    cell = next(c for c in nb.cells
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == exercise_id)
    exercise = exercise_for(exercise_id)
    tmp = Path(tempfile.mkdtemp(prefix="engine-bench-"))
    path = tmp / f"answer_{exercise_id}.py"
    path.write_text(cell_to_module_source(cell.source))
    return exercise, exercise.load(load_answer(exercise_id, path))


def controlled_properties(exercise):
    """The properties whose checks explore scenarios (not real processes, not one process)."""
    return [prop for suite in exercise.suites.values() for prop in suite if isinstance(prop, ControlledProperty)]


class Measuring:
    """Wraps controlled.explore while the checks run: every new scenario is also explored
    by plain DFS and by DPOR (inside the checks' own set-up, e.g. patched globals)."""

    def __init__(self, cap):
        self.cap = cap
        self.real = controlled.explore
        self.rows = []
        self.seen = set()

    def __call__(self, scenario, *args, **kwargs):
        strategy = kwargs.get("strategy", args[0] if args else "random")
        if scenario.name not in self.seen and getattr(strategy, "name", strategy) in STRATEGIES:  # not a check's own
            self.seen.add(scenario.name)
            t0 = time.perf_counter()
            dfs = self.real(scenario, DFSScheduler(max_preemptions=10 ** 9), max_schedules=self.cap,
                            shrink=False)
            t1 = time.perf_counter()
            dpor = self.real(scenario, DPORScheduler(), max_schedules=self.cap, shrink=False)
            t2 = time.perf_counter()
            self.rows.append((scenario, dfs, t1 - t0, dpor, t2 - t1))
        return self.real(scenario, *args, **kwargs)

    def __enter__(self):
        controlled.explore = self
        return self

    def __exit__(self, *exc):
        controlled.explore = self.real


def graded_scenarios(cap):
    print(f"== 1. graded scenarios (each lesson's solution): plain DFS vs DPOR, capped at "
          f"{cap:,} executions")
    print(f"  {'scenario':<74} {'procs':>5} {'DFS':>9} {'s':>6}   {'DPOR':>6} {'distinct':>8} {'s':>6}")
    rows = []
    for exercise_id in EXERCISES:
        exercise, cls = solution_class(exercise_id)
        with Measuring(cap) as measuring:
            for prop in controlled_properties(exercise):
                prop(cls)
        print(f"  -- {exercise_id}")
        for scenario, dfs, t_dfs, dpor, t_dpor in measuring.rows:
            dfs_n = f"{dfs.schedules_run:,}" + ("" if dfs.complete or not dfs.ok else "+")
            mark = "" if dpor.complete else "  (not complete: checks fall back)"
            print(f"  {scenario.name[:74]:<74} {len(scenario.processes):>5} {dfs_n:>9} {t_dfs:>6.2f}"
                  f"   {dpor.schedules_run:>6,} {dpor.interleavings:>8,} {t_dpor:>6.2f}{mark}")
        rows += measuring.rows
    complete = [r for r in rows if r[3].complete]
    fast = [r for r in complete if r[4] < 1.0]
    three = [r for r in complete if len(r[0].processes) >= 3]
    ratios = [r[1].schedules_run / max(1, r[3].schedules_run) for r in three]
    print(f"  DPOR complete on {len(complete)} of {len(rows)} graded scenarios, {len(fast)} of them "
          f"in under 1 s [goal: all that complete]")
    if ratios:
        print(f"  3+ processes: DFS needs {min(ratios):,.1f}x to {max(ratios):,.1f}x the executions "
              f"of DPOR (median {statistics.median(ratios):,.1f}x; DFS capped at {cap:,}, so these are "
              f"lower bounds) [goal: >= 10x]")
    return len(rows)


# --------------------------------------------------------------------------- 4. the judge
def remote_throughput(cap):
    """Each graded scenario's DPOR search and its first sampled search (PCT or random walk),
    with the class in this interpreter and through the judge's workers: the same executions
    (asserted), their rates and the ratio of times, one total per kind of search."""
    import dataclasses

    from autograder.affinity import one_cpu
    from autograder.checks.searches import Dpor, Pct, RandomWalk
    from autograder.sandbox.job_checks import judge_session

    print(f"\n== 4. the judge: the graded scenarios' DPOR and first sampled search, the class here vs. "
          f"each process a worker (unsandboxed host, the judge and its workers on one CPU as when "
          f"grading; at most {cap:,} executions each)")
    print(f"  {'scenario':<62} {'search':<7} {'execs':>6} {'here/s':>8} {'judge/s':>8} {'ratio':>6}")
    totals = {}            # kind of search -> [executions, seconds here, seconds through the judge]
    for exercise_id in EXERCISES:
        exercise, cls = solution_class(exercise_id)
        source = (Path(sys.modules[cls.__module__].__file__)).read_text()
        with one_cpu(), judge_session(exercise_id, source, sandbox=None) as session:
            remote = session.load_class(exercise.class_name)
            for prop in controlled_properties(exercise):
                runtime = session.runtime(prop.globals_mode)
                try:
                    with prop.globals_for(cls):
                        here_plans = prop.plans(cls)
                    there_plans = prop.plans(remote)
                    for here, there in zip(here_plans, there_plans):
                        measured = [s for s in here.searches[:1] if isinstance(s, Dpor)]
                        measured += [s for s in here.searches if isinstance(s, (Pct, RandomWalk))][:1]
                        for search in measured:
                            runs = min(cap, search.budget)
                            nprocs = len(here.scenario.processes)
                            here_scheduler, there_scheduler = search.scheduler(nprocs), search.scheduler(nprocs)
                            with prop.globals_for(cls):
                                t0 = time.perf_counter()
                                a = explore(here.scenario, here_scheduler, seed=search.drawn_seed(),
                                            max_schedules=runs, shrink=False)
                                t1 = time.perf_counter()
                            scenario = dataclasses.replace(there.scenario, runtime=runtime)
                            b = explore(scenario, there_scheduler, seed=search.drawn_seed(),
                                        max_schedules=runs, shrink=False)
                            t2 = time.perf_counter()
                            assert (a.schedules_run, a.ok) == (b.schedules_run, b.ok), (a, b)
                            here_rate, there_rate = a.schedules_run / (t1 - t0), b.schedules_run / (t2 - t1)
                            total = totals.setdefault("dpor" if isinstance(search, Dpor) else "sampled", [0, 0.0, 0.0])
                            total[0] += a.schedules_run
                            total[1] += t1 - t0
                            total[2] += t2 - t1
                            print(f"  {here.scenario.name[:62]:<62} {here_scheduler.name:<7} {a.schedules_run:>6,} "
                                  f"{here_rate:>8,.0f} {there_rate:>8,.0f} {here_rate / there_rate:>5.1f}x")
                finally:
                    runtime.close()
    for kind, (execs, here_s, there_s) in totals.items():
        print(f"  {kind}: {execs:,} executions, {execs / here_s:,.0f}/s here, {execs / there_s:,.0f}/s through "
              f"the judge's workers ({there_s / here_s:.1f}x the time)")
    return sum(execs for execs, _, _ in totals.values())


# --------------------------------------------------------------------------- 2. and 3.
def throughput(scenario, strategy, n, **kw):
    """Best of 3 rates (executions per second) over ``n`` executions, exploring again from
    the start whenever a strategy has run its whole space; also the size of that space."""
    explore(scenario, strategy, seed=0, max_schedules=50, **kw)       # warm-up
    best = 0.0
    space = None
    for rep in range(3):
        total = 0
        t0 = time.perf_counter()
        while total < n:
            r = explore(scenario, strategy, seed=rep, max_schedules=n - total, **kw)
            assert r.ok, r
            total += r.schedules_run
            if r.exhausted:
                space = r.schedules_run
        best = max(best, total / (time.perf_counter() - t0))
    return best, space


def to_first_failure(scenario, strategy, seeds, cap):
    counts = []
    for seed in seeds:
        r = explore(scenario, strategy, seed=seed, max_schedules=cap, shrink=False)
        counts.append(r.schedules_run if not r.ok else None)
    found = [c for c in counts if c is not None]
    return found, len(counts) - len(found)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer executions and seeds")
    ap.add_argument("--judge-only", action="store_true", help="only section 4 (the judge's workers)")
    ap.add_argument("--reference", action="store_true",
                    help="only the reference suite (engine_reference.py): exits 1 on a mismatch")
    args, rest = ap.parse_known_args(argv)
    if args.reference:
        import engine_reference
        return engine_reference.main(rest)
    if rest:
        ap.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.judge_only:
        return 0 if remote_throughput(300 if args.quick else 2000) else _measured_nothing("4")
    n = 2000 if args.quick else 10_000
    seeds = range(5 if args.quick else 20)
    cap = 2000

    if not graded_scenarios(2_000 if args.quick else 20_000):
        print("measured no graded scenario: the checks no longer explore through "
              "autograder.engine.explore, which section 1 wraps", file=sys.stderr)
        return 1

    print("\n== 2. throughput: counter scenario, 2 processes x 2 increments, ctx.Value with lock")
    sc = counter(SafeCounter)
    for strategy, kw in (("random", {}), ("pct", {"depth": 3}),
                         ("exhaustive", {"max_preemptions": 6}), ("dpor", {})):
        rate, space = throughput(sc, strategy, n, **kw)
        extra = f" (the whole space is {space:,} executions: explored again and again)" if space else ""
        if strategy == "dpor":     # records every access and looks for races: slower, far fewer needed
            target = "[no target: it needs far fewer executions]"
        else:
            target = f"[{'ok' if rate >= 3000 else 'BELOW TARGET'}: target 3,000]"
        print(f"  {strategy:<10} {rate:>9,.0f} executions/s  {target}{extra}")

    print(f"\n== 3. executions until the first failure (seeds {seeds.start}..{seeds.stop - 1}, "
          f"cap {cap}; exhaustive and dpor are seed-independent)")
    for scenario in (counter(RacyCounter), counter(RacyCounter, 3, 3), bank(), if_wait(),
                     lost_wakeup(), counter(TimeoutAsSafetyNet)):
        print(f"  {scenario.name}")
        for strategy in ("random", "pct", "exhaustive", "dpor"):
            s = [0] if strategy in ("exhaustive", "dpor") else seeds
            t0 = time.perf_counter()
            found, missed = to_first_failure(scenario, strategy, s, cap)
            dt = time.perf_counter() - t0
            if found:
                med = statistics.median(found)
                desc = f"median {med:>6g}  worst {max(found):>5}"
            else:
                desc = "never found" + " " * 11
            miss = f"  missed by {missed} seed(s)" if missed else ""
            print(f"    {strategy:<10} {desc}   ({dt:.2f}s){miss}")
    if not remote_throughput(300 if args.quick else 2000):
        return _measured_nothing("4")
    return 0


def _measured_nothing(section):
    print(f"section {section} measured no execution: no graded plan starts with DPOR or has a "
          f"sampled search", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

"""Scenarios, schedule exploration (random walk, PCT, bounded exhaustive), replay, shrinking."""
from __future__ import annotations

import io
import pickle
import random
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from ._report import (analyse_deadlock, find_foreign, find_unpicklable, foreign_message,
                      format_timeline, name_primitives, short_traceback,
                      unpicklable_message)
from ._sim import (ForeignPrimitiveError, HangAbort, Sim, Watchdog, _real_perf_counter,
                   virtual_time)
from .primitives import PRIMITIVE_TYPES, ControlledContext

__all__ = ["Scenario", "Failure", "ExploreResult", "explore", "replay", "FAILURE_KINDS",
           "STRATEGIES"]

FAILURE_KINDS = ("check", "deadlock", "exception", "step-budget", "unpicklable",
                 "foreign-primitive")
STRATEGIES = ("random", "pct", "exhaustive")


# --------------------------------------------------------------------------- data
@dataclass
class Scenario:
    """What to run: ``setup(ctx)`` builds the shared object in the parent; each callable in
    ``processes`` runs as one simulated process (P1, P2, ...) on its own unpickled copy;
    ``check(obj, results)`` runs in the parent afterwards and returns None (or True) when
    all is well, else a one-sentence message (a falsy non-None value or an
    AssertionError also count as failures).

    ``allow_exceptions``: when False (default) an exception escaping a process is a failure
    of kind "exception"; when True it is passed to ``check`` in ``results``.
    ``hang_timeout``: wall seconds a process may run without reaching any scheduling point
    (a spin on non-shared state) before it is interrupted and reported as "step-budget".
    """

    name: str
    setup: Callable[[Any], Any]
    processes: Sequence[Callable[[Any], Any]]
    check: Optional[Callable[[Any, list], Any]] = None
    step_budget: int = 20_000
    allow_exceptions: bool = False
    hang_timeout: float = 2.0


@dataclass
class Failure:
    """A failing schedule, shrunk.  Equality ignores how it was found (seed, strategy)."""

    kind: str
    message: str
    schedule: list
    timeline: str = ""
    deadlock_cycle: Optional[list] = None
    traceback: Optional[str] = None
    seed: Optional[int] = field(default=None, compare=False)
    strategy: Optional[str] = field(default=None, compare=False)
    scenario: Optional[str] = field(default=None, compare=False)
    schedule_index: Optional[int] = field(default=None, compare=False)
    original_schedule: Optional[list] = field(default=None, compare=False, repr=False)

    def describe(self):
        """A multi-line report suitable for a student."""
        head = f"{self.scenario}: " if self.scenario else ""
        out = [f"{head}{self.message}"]
        if self.schedule or self.strategy:
            out.append(f"(found by strategy={self.strategy!r}, seed={self.seed}; "
                       f"schedule={self.schedule})")
        if self.timeline:
            out.append(self.timeline)
        if self.traceback:
            out.append(self.traceback)
        return "\n".join(out)

    __str__ = describe


@dataclass
class ExploreResult:
    ok: bool
    schedules_run: int
    failure: Optional[Failure] = None
    strategy: str = "random"
    seed: Optional[int] = None
    exhausted: bool = False      # exhaustive search covered every schedule within its bound
    elapsed: float = 0.0         # wall seconds

    def __bool__(self):
        return self.ok

    def __str__(self):
        if self.ok:
            extra = " (every schedule within the bound)" if self.exhausted else ""
            return (f"ok: {self.schedules_run} schedules passed{extra} "
                    f"[strategy={self.strategy}, seed={self.seed}]")
        return f"FAILED after {self.schedules_run} schedules\n{self.failure.describe()}"


# --------------------------------------------------------------------------- copying
_PERSISTENT = frozenset(PRIMITIVE_TYPES) | {ControlledContext}


class _Pickler(pickle.Pickler):
    """Pickles the shared object like spawn would, except that controlled primitives and
    classes keep their identity (they are 'shared' / importable)."""

    def __init__(self, file, table):
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self._table = table
        self._index = {}

    def persistent_id(self, obj):
        if type(obj) in _PERSISTENT or isinstance(obj, type):
            key = id(obj)
            i = self._index.get(key)
            if i is None:
                i = self._index[key] = len(self._table)
                self._table.append(obj)
            return i
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, table):
        super().__init__(file)
        self._table = table

    def persistent_load(self, pid):
        return self._table[pid]


def _dumps(obj, table):
    f = io.BytesIO()
    _Pickler(f, table).dump(obj)
    return f.getvalue()


def _loads(data, table):
    return _Unpickler(io.BytesIO(data), table).load()


# --------------------------------------------------------------------------- choosers
class _Forced:
    """Follow ``prefix`` (pids at successive choice points), then the default: keep the
    current process running if it can, else the lowest runnable pid.  Records nodes."""

    __slots__ = ("prefix", "i", "nodes")

    def __init__(self, prefix):
        self.prefix = prefix
        self.i = 0
        self.nodes = []   # (runnable pids, current pid if runnable else None, chosen pid)

    def __call__(self, run, cur):
        i = self.i
        self.i = i + 1
        chosen = None
        if i < len(self.prefix):
            want = self.prefix[i]
            for p in run:
                if p.pid == want:
                    chosen = p
                    break
        curpid = cur.pid if cur in run else None
        if chosen is None:
            chosen = cur if curpid is not None else run[0]
        self.nodes.append((tuple(p.pid for p in run), curpid, chosen.pid))
        return chosen


def _default_of(node):
    pids, curpid, _ = node
    return curpid if curpid is not None else pids[0]


def _canonical(nodes):
    """Executed schedule without the trailing choices that the default would make anyway."""
    sched = [n[2] for n in nodes]
    k = len(sched)
    while k and sched[k - 1] == _default_of(nodes[k - 1]):
        k -= 1
    return sched[:k]


def _preemptions(nodes):
    return sum(1 for pids, curpid, chosen in nodes if curpid is not None and chosen != curpid)


class _RandomStrategy:
    name = "random"

    def __init__(self, seed, nprocs):
        self.rng = random.Random(seed)

    def next(self):
        rnd = self.rng.random

        def choose(run, cur):
            return run[int(rnd() * len(run))]
        return choose

    def observe(self, outcome):
        pass


class _PCTStrategy:
    """Burckhardt et al., ASPLOS 2010: random distinct priorities d..d+n-1, and d-1 change
    points drawn uniformly from the first k choice points; at change point i the running
    process drops to priority i.  k is the largest number of choice points seen so far."""

    name = "pct"

    def __init__(self, seed, nprocs, depth=3):
        self.rng = random.Random(seed)
        self.n = nprocs
        self.d = max(1, depth)
        self.k = 10 * max(nprocs, 1)

    def next(self):
        rng, d = self.rng, self.d
        prios = list(range(d, d + self.n))
        rng.shuffle(prios)
        pr = [0] + prios
        change = {}
        for i in range(1, d):
            change[rng.randint(1, self.k)] = i
        count = [0]

        def choose(run, cur):
            c = count[0] = count[0] + 1
            if c in change and cur is not None:
                pr[cur.pid] = change[c]
            best = run[0]
            bp = pr[best.pid]
            for p in run:
                if pr[p.pid] > bp:
                    best, bp = p, pr[p.pid]
            return best
        self._count = count
        return choose

    def observe(self, outcome):
        self.k = max(self.k, self._count[0])


class _ExhaustiveStrategy:
    """Depth-first search over choice points with iterative preemption bounding (as in
    CHESS): first every schedule with 0 preemptions, then with at most 1, ... up to
    ``max_preemptions``, so the bugs that need the fewest preemptions are found first.
    Stateless: each schedule is replayed from the start along a forced prefix."""

    name = "exhaustive"

    def __init__(self, seed, nprocs, max_preemptions=2):
        self.max_bound = max(0, max_preemptions)
        self.bound = 0
        self.stack = []        # per node: [options, idx, preemptions_before, cur_runnable]
        self.prefix = []
        self.started = False
        self.exhausted = False
        self._forced = None

    def next(self):
        if self.started:
            nxt = self._backtrack()
            while nxt is None:
                if self.bound >= self.max_bound:
                    self.exhausted = True
                    return None
                self.bound += 1          # next round: start again with a larger bound
                self.stack = []
                nxt = []
            self.prefix = nxt
        self.started = True
        self._forced = _Forced(self.prefix)
        return self._forced

    def observe(self, outcome):
        nodes = self._forced.nodes
        stack = self.stack[:len(self.prefix)]
        pre = 0
        for j, (pids, curpid, chosen) in enumerate(nodes):
            if j >= len(stack):
                default = curpid if curpid is not None else pids[0]
                options = [default] + [p for p in pids if p != default]
                stack.append([options, options.index(chosen), pre, curpid is not None])
            if curpid is not None and chosen != curpid:
                pre += 1
        self.stack = stack[:len(nodes)]

    def _backtrack(self):
        stack = self.stack
        while stack:
            options, idx, pre, cur_runnable = stack[-1]
            if idx + 1 < len(options) and not (cur_runnable and pre + 1 > self.bound):
                stack[-1][1] = idx + 1
                return [node[0][node[1]] for node in stack]
            stack.pop()
        return None


def _make_strategy(strategy, seed, nprocs, depth, max_preemptions):
    if strategy == "random":
        return _RandomStrategy(seed, nprocs)
    if strategy == "pct":
        return _PCTStrategy(seed, nprocs, depth)
    if strategy == "exhaustive":
        return _ExhaustiveStrategy(seed, nprocs, max_preemptions)
    raise ValueError(f"unknown strategy {strategy!r}; expected one of {STRATEGIES}")


# --------------------------------------------------------------------------- one run
class _Outcome:
    __slots__ = ("kind", "payload", "sim", "schedule")

    def __init__(self, kind, payload, sim):
        self.kind = kind            # None when the schedule passed
        self.payload = payload
        self.sim = sim
        self.schedule = sim.schedule if sim is not None else []

    @property
    def signature(self):
        if self.kind == "exception":
            return self.kind, type(self.payload.get("exc")).__name__
        return self.kind


def _run_one(sc, choose, watchdog, log=False, first=False):
    sim = Sim(choose, sc.step_budget, False)
    sim.events = None
    sim.allow_exceptions = sc.allow_exceptions
    virtual_time.activate(sim)
    watchdog.sim = sim
    ctx = ControlledContext(sim)
    try:
        root = sc.setup(ctx)
    except HangAbort:
        return _Outcome("hang", {"where": "setup"}, sim)
    except ForeignPrimitiveError as e:
        return _Outcome("foreign-primitive", {"where": "setup", "exc": e}, sim)
    except Exception as e:  # noqa: BLE001
        return _Outcome("exception", {"where": "setup", "exc": e}, sim)
    sim.root = root
    if first:
        found = find_foreign(root)
        if found is not None:
            return _Outcome("foreign-primitive", {"found": found}, sim)
    table = []
    try:
        data = _dumps(root, table)
    except Exception as e:  # noqa: BLE001
        return _Outcome("unpicklable", {"exc": e}, sim)

    def make_arg():
        return _loads(data, table)

    if log:             # the timeline covers the processes only, not setup and check
        sim.log = sim.events = []
    try:
        sim.run(sc.processes, make_arg)
    except HangAbort:   # landed in the engine itself: treat like a hang of the current process
        sim.failure = sim.failure or ("hang", {"proc": None})
    sim.log = None
    if sim.failure is not None:
        kind, payload = sim.failure
        return _Outcome(kind, payload, sim)
    if sc.check is None:
        return _Outcome(None, None, sim)
    results = [p.result for p in sim.procs]
    try:
        verdict = sc.check(root, results)
    except AssertionError as e:
        return _Outcome("check", {"message": str(e) or "check failed"}, sim)
    except HangAbort:
        return _Outcome("hang", {"where": "check"}, sim)
    except Exception as e:  # noqa: BLE001
        return _Outcome("exception", {"where": "check", "exc": e}, sim)
    if verdict is None or verdict is True:
        return _Outcome(None, None, sim)
    if isinstance(verdict, str):
        return _Outcome("check", {"message": verdict}, sim)
    if not verdict:
        return _Outcome("check", {"message": "check failed"}, sim)
    return _Outcome("check", {"message": str(verdict)}, sim)


def _replay_nodes(sc, schedule, watchdog, log=False, first=False):
    forced = _Forced(list(schedule))
    out = _run_one(sc, forced, watchdog, log=log, first=first)
    return out, forced.nodes


# --------------------------------------------------------------------------- reporting
def _failure_from(sc, out, schedule):
    """Build the Failure (message, timeline) from a logged run."""
    sim, kind, pl = out.sim, out.kind, out.payload
    root = sim.root
    names = name_primitives(root, sim.prims, sim.copies)
    log = sim.events or []
    cycle = None
    tb = None
    if kind == "check":
        message = pl["message"]
        final = f"after all processes finished, the check fails: {message}"
    elif kind == "exception":
        exc = pl["exc"]
        tb = short_traceback(exc)
        where = pl.get("where")
        if where == "setup":
            message = f"setup raised {type(exc).__name__}: {exc}"
        elif where == "check":
            message = f"the check raised {type(exc).__name__}: {exc}"
        else:
            message = f"{pl['proc'].label} raised {type(exc).__name__}: {exc}"
        final = message
    elif kind == "deadlock":
        message, cycle = analyse_deadlock(sim.procs, names)
        final = message.replace("deadlock: ", "DEADLOCK: ", 1)
    elif kind == "step-budget":
        stuck = [p.label for p in sim.procs if not p.finished]
        who = pl["proc"].label if pl.get("proc") is not None else " and ".join(stuck)
        message = (f"step budget of {sc.step_budget:,} steps exhausted while {who} was still "
                   f"running: a busy-wait or livelock (a loop that keeps polling shared "
                   f"state instead of blocking on a lock, condition, semaphore or event)")
        final = message
    elif kind == "hang":
        kind = "step-budget"
        if pl.get("where"):
            message = (f"the {pl['where']} ran for more than {sc.hang_timeout:g} s of real "
                       f"time without finishing")
        else:
            p = pl.get("proc")
            who = p.label if p is not None else "a process"
            message = (f"{who} ran for more than {sc.hang_timeout:g} s of real time without "
                       f"touching any shared primitive: a busy-wait on state that is not "
                       f"shared between processes (a plain attribute is copied into each "
                       f"process)")
        final = message
    elif kind == "unpicklable":
        found = find_unpicklable(root, lambda o: _dumps(o, []))
        if found is None:
            message = f"the shared object cannot be pickled: {pl['exc']}"
        else:
            message = unpicklable_message(root, *found)
        final = None
    elif kind == "foreign-primitive":
        if "found" in pl:
            message = foreign_message(root, *pl["found"])
            final = None
        else:
            who = pl["proc"].label if pl.get("proc") is not None else "setup"
            message = f"{who} {pl['exc']}"
            final = message
    else:  # pragma: no cover - defensive
        message = f"{kind}: {pl}"
        final = message
    timeline = format_timeline(log, names, final) if final is not None else ""
    return Failure(kind=kind, message=message, schedule=list(schedule), timeline=timeline,
                   deadlock_cycle=cycle, traceback=tb, scenario=sc.name)


def _shrink(sc, out, nodes, watchdog, max_runs=300, max_seconds=2.0):
    """Greedy: try fewer preemptions, then shorter schedules; keep what still fails the
    same way.  Returns the canonical shrunk schedule."""
    sig = out.signature
    best = _canonical(nodes)
    best_cost = (_preemptions(nodes), len(best))
    runs = 0
    t_end = _real_perf_counter() + max_seconds

    def candidates(s, nds):
        # drop a preemption (let the current process continue) - last ones first
        for i in range(min(len(s), len(nds)) - 1, -1, -1):
            pids, curpid, chosen = nds[i]
            if curpid is not None and chosen != curpid:
                yield s[:i] + [curpid] + s[i + 1:]
        # delete one choice
        for i in range(len(s) - 1, -1, -1):
            yield s[:i] + s[i + 1:]
        # move a preemption earlier (delete the choices just before it)
        for i in range(min(len(s), len(nds)) - 1, 0, -1):
            pids, curpid, chosen = nds[i]
            if curpid is not None and chosen != curpid:
                for j in range(i - 2, -1, -1):
                    yield s[:j] + s[i:]
        # truncate
        for k in range(len(s)):
            yield s[:k]

    improved = True
    best_nodes = nodes
    while improved and runs < max_runs and _real_perf_counter() < t_end:
        improved = False
        tried = set()
        for cand in candidates(best, best_nodes):
            key = tuple(cand)
            if key in tried:
                continue
            tried.add(key)
            if runs >= max_runs or _real_perf_counter() >= t_end:
                break
            runs += 1
            o, nds = _replay_nodes(sc, cand, watchdog)
            if o.kind is None or o.signature != sig:
                continue
            c = _canonical(nds)
            cost = (_preemptions(nds), len(c))
            if cost < best_cost:
                best, best_cost, best_nodes = c, cost, nds
                improved = True
                break
    return best


def _finish(sc, out, schedule_hint, watchdog, shrink, strategy, seed, index):
    if not out.sim.procs:     # failed before any process ran: setup, pickling, foreign
        f = _failure_from(sc, out, [])
    elif out.kind == "hang":
        # a hang costs hang_timeout of wall time per run: one logged replay for the timeline
        final, nodes = _replay_nodes(sc, schedule_hint, watchdog, log=True)
        if final.kind != "hang":
            final = out
        f = _failure_from(sc, final, _canonical(nodes) if final is not out else
                          list(schedule_hint))
    else:
        o2, nodes = _replay_nodes(sc, schedule_hint, watchdog)
        if o2.kind is None or o2.signature != out.signature:
            # the run is not reproducible by replay (non-deterministic scenario): report it
            # as observed, without a timeline of its own
            o2, nodes = out, None
        if nodes is not None:
            canon = _canonical(nodes)
            if shrink and out.kind not in ("step-budget", "hang"):
                canon = _shrink(sc, o2, nodes, watchdog)
            final, _ = _replay_nodes(sc, canon, watchdog, log=True)
            f = _failure_from(sc, final, canon)
        else:
            f = _failure_from(sc, out, list(schedule_hint))
    f.seed, f.strategy, f.schedule_index = seed, strategy, index
    f.original_schedule = list(schedule_hint)
    return f


# --------------------------------------------------------------------------- public API
def explore(scenario: Scenario, strategy: str = "random", seed: int = 0,
            max_schedules: int = 200, *, depth: int = 3, max_preemptions: int = 2,
            shrink: bool = True, time_limit: Optional[float] = None) -> ExploreResult:
    """Run ``scenario`` under up to ``max_schedules`` schedules chosen by ``strategy``
    ("random", "pct" with ``depth``, "exhaustive" with ``max_preemptions``); stop at the
    first failure, shrink it and return it in the result.  ``seed`` determines the run.
    ``time_limit`` (wall seconds) stops early, still ok if nothing failed."""
    strat = _make_strategy(strategy, seed, len(scenario.processes), depth, max_preemptions)
    t0 = _real_perf_counter()
    n = 0
    with virtual_time(), Watchdog(scenario.hang_timeout) as wd:
        while n < max_schedules:
            choose = strat.next()
            if choose is None:
                break
            out = _run_one(scenario, choose, wd, first=(n == 0))
            n += 1
            strat.observe(out)
            if out.kind is not None:
                f = _finish(scenario, out, out.schedule, wd, shrink, strategy, seed, n - 1)
                return ExploreResult(False, n, f, strategy, seed, False,
                                     _real_perf_counter() - t0)
            if time_limit is not None and _real_perf_counter() - t0 > time_limit:
                break
    exhausted = bool(getattr(strat, "exhausted", False))
    return ExploreResult(True, n, None, strategy, seed, exhausted, _real_perf_counter() - t0)


def replay(scenario: Scenario, schedule: Sequence[int]) -> Optional[Failure]:
    """Re-run exactly ``schedule`` (pids chosen at successive choice points; after its end
    the current process keeps running).  Returns the Failure, or None if it passes."""
    with virtual_time(), Watchdog(scenario.hang_timeout) as wd:
        out, nodes = _replay_nodes(scenario, list(schedule), wd, log=True, first=True)
        if out.kind is None:
            return None
        f = _failure_from(scenario, out, _canonical(nodes))
    f.strategy = "replay"
    f.original_schedule = list(schedule)
    return f

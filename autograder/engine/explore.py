"""Scenarios, exploring their schedules with a Scheduler, replaying and reporting failures."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Union

from ._report import analyse_deadlock, format_timeline, short_traceback, steps_from
from ._shrink import shrink as shrink_schedule
from ._sim import FailureKind, ForeignPrimitiveError, HangAbort, Sim
from ._vtime import Watchdog, real_perf_counter, virtual_time
from .context import ControlledContext
from .runtime import IN_PROCESS, ProcessRuntime
from .schedulers import STRATEGIES, ReplayScheduler, Scheduler, make_scheduler
from .schedulers.replay import canonical

__all__ = ["Scenario", "Failure", "ExploreResult", "Run", "Counts", "explore", "count_executions", "replay", "run",
           "FAILURE_KINDS", "STRATEGIES"]

#: what Failure.kind can be (FailureKind values; HANG is reported as STEP_BUDGET)
FAILURE_KINDS = tuple(k.value for k in FailureKind if k is not FailureKind.HANG)


# --------------------------------------------------------------------------- data
@dataclass
class Scenario:
    """What to run: ``setup(ctx)`` builds the shared object in the parent; each callable in
    ``processes`` runs as one simulated process (P1, P2, ...) on its own unpickled copy;
    ``check(obj, results)`` runs in the parent afterwards and returns None (or True) when
    all is well, else a one-sentence message (a falsy non-None value or an
    AssertionError also count as failures).

    ``step_budget``: scheduling steps per execution before it fails as "step-budget".
    ``allow_exceptions``: when False (default) an exception escaping a process is a failure
    of kind "exception"; when True it is passed to ``check`` in ``results``.
    ``hang_timeout``: wall seconds a process may run without reaching any scheduling point
    (a spin on non-shared state) before it is interrupted and reported as "step-budget".
    ``runtime``: where the object's code runs (engine/runtime.py); None: in this interpreter.
    """

    name: str
    setup: Callable[[Any], Any]
    processes: Sequence[Callable[[Any], Any]]
    check: Optional[Callable[[Any, list], Any]] = None
    step_budget: int = 20_000
    allow_exceptions: bool = False
    hang_timeout: float = 2.0
    runtime: Optional[ProcessRuntime] = field(default=None, compare=False, repr=False)


@dataclass
class Failure:
    """A failing schedule, shrunk.  Equality ignores how it was found (seed, strategy)."""

    kind: FailureKind
    message: str
    schedule: list               # pid chosen at each decision with several choices (0: time)
    timeline: str = ""
    deadlock_cycle: Optional[list] = None
    traceback: Optional[str] = None
    seed: Optional[int] = field(default=None, compare=False)
    strategy: Optional[str] = field(default=None, compare=False)
    scenario: Optional[str] = field(default=None, compare=False)
    schedule_index: Optional[int] = field(default=None, compare=False)
    original_schedule: Optional[list] = field(default=None, compare=False, repr=False)
    steps: list = field(default_factory=list, compare=False, repr=False)   # every Step of the run

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
    schedules_run: int               # executions run, abandoned ones included
    failure: Optional[Failure] = None
    strategy: str = "random"
    seed: Optional[int] = None
    exhausted: bool = False          # the scheduler ran every schedule it considers
    elapsed: float = 0.0             # wall seconds
    complete: bool = False           # every distinct interleaving was explored: a proof
    interleavings: int = 0           # executions that ran to their end (distinct ones, for DPOR)
    scheduler: Optional[Scheduler] = field(default=None, repr=False, compare=False)

    def __bool__(self):
        return self.ok

    @property
    def coverage(self) -> str:
        """What a passing exploration covered, in words a student reads (its scheduler's
        :meth:`~Scheduler.coverage`), e.g. "all 6 distinct interleavings explored"."""
        if self.scheduler is None:
            return f"{self.schedules_run:,} schedules"
        return self.scheduler.coverage(self)

    def __str__(self):
        if self.ok:
            seed = "" if self.complete else f", seed={self.seed}"
            return f"ok: {self.coverage} [strategy={self.strategy}{seed}]"
        return f"FAILED after {self.schedules_run} schedules\n{self.failure.describe()}"


# --------------------------------------------------------------------------- one run
class _Outcome:
    __slots__ = ("kind", "payload", "sim", "events", "names")

    def __init__(self, kind, payload, sim, events=None):
        self.kind = kind            # None when the execution passed (or was abandoned)
        self.payload = payload
        self.sim = sim
        self.events = events or []  # the processes' timeline events, when logged
        self.names = {}             # id(primitive) -> name (failures and logged runs)

    @property
    def schedule(self):
        return self.sim.schedule

    @property
    def abandoned(self):
        return self.sim.abandoned

    @property
    def signature(self):
        if self.kind is FailureKind.EXCEPTION:
            return self.kind, type(self.payload.get("exc")).__name__
        return self.kind


def _run_once(sc, scheduler, watchdog, log=False, first=False):
    """One execution of ``sc`` under ``scheduler``: setup, copies, processes, check. The
    primitives' names are taken while the execution's processes still exist (a remote runtime
    asks its workers), for a failure or a logged run."""
    sim = Sim(scheduler, sc.step_budget, allow_exceptions=sc.allow_exceptions)
    virtual_time.activate(sim)
    watchdog.sim = sim
    ctx = ControlledContext(sim)
    runtime = sc.runtime or IN_PROCESS
    runtime.begin(sim, ctx)
    try:
        out = _execute(sc, sim, ctx, runtime, log, first)
        if out.kind is not None or log:
            out.names = runtime.names(sim)
        return out
    finally:
        runtime.end(sim)


def _execute(sc, sim, ctx, runtime, log, first):
    try:
        root = sc.setup(ctx)
    except HangAbort:
        return _Outcome(FailureKind.HANG, {"where": "setup"}, sim)
    except ForeignPrimitiveError as e:
        return _Outcome(FailureKind.FOREIGN_PRIMITIVE, {"where": "setup", "exc": e}, sim)
    except Exception as e:  # noqa: BLE001
        return _Outcome(FailureKind.EXCEPTION, {"where": "setup", "exc": e}, sim)
    sim.root = root
    try:
        if first:
            found = runtime.find_foreign(root)
            if found is not None:
                return _Outcome(FailureKind.FOREIGN_PRIMITIVE, {"found": found}, sim)
        try:
            shared = runtime.share(root, len(sc.processes))
        except Exception as e:  # noqa: BLE001
            return _Outcome(FailureKind.UNPICKLABLE, {"exc": e}, sim)
    except HangAbort:   # the object's own pickling code never returned
        return _Outcome(FailureKind.HANG, {"where": "setup"}, sim)
    if log:             # the timeline covers the processes only, not setup and check
        sim.log = []
    try:
        sim.run(sc.processes, lambda: runtime.copy(shared, sim.current.pid))
    except HangAbort:   # landed in the engine itself: treat like a hang of the current process
        if sim.failure is None:
            sim.failure = (FailureKind.HANG, {"proc": None})
    events, sim.log = sim.log, None
    if sim.failure is not None:
        kind, payload = sim.failure
        return _Outcome(kind, payload, sim, events)
    if sim.abandoned or sc.check is None:
        return _Outcome(None, None, sim, events)
    kind, payload = _verdict(sc, root, [p.result for p in sim.procs])
    return _Outcome(kind, payload, sim, events)


def _verdict(sc, root, results):
    """(kind, payload) of the scenario's check on the final state; kind None: it passed."""
    try:
        verdict = sc.check(root, results)
    except AssertionError as e:
        return FailureKind.CHECK, {"message": str(e) or "check failed"}
    except HangAbort:
        return FailureKind.HANG, {"where": "check"}
    except Exception as e:  # noqa: BLE001
        return FailureKind.EXCEPTION, {"where": "check", "exc": e}
    if verdict is None or verdict is True:
        return None, None
    if isinstance(verdict, str):
        return FailureKind.CHECK, {"message": verdict}
    return FailureKind.CHECK, {"message": "check failed" if not verdict else str(verdict)}


def _replay_nodes(sc, schedule, watchdog, log=False, first=False):
    scheduler = ReplayScheduler(schedule)
    scheduler.new_execution()
    out = _run_once(sc, scheduler, watchdog, log=log, first=first)
    return out, scheduler.nodes


# --------------------------------------------------------------------------- reporting
def _failure_from(sc, out, schedule):
    """Build the Failure (message, timeline) from a logged run."""
    sim, kind, pl = out.sim, out.kind, out.payload
    root = sim.root
    runtime = sc.runtime or IN_PROCESS
    names = out.names
    cycle = None
    tb = None
    final = None            # the timeline's last line (None: no timeline)
    if kind is FailureKind.CHECK:
        message = pl["message"]
        final = f"after all processes finished, the check fails: {message}"
    elif kind is FailureKind.EXCEPTION:
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
    elif kind is FailureKind.DEADLOCK:
        message, cycle = analyse_deadlock(sim.procs, names)
        final = message.replace("deadlock: ", "DEADLOCK: ", 1)
    elif kind is FailureKind.STEP_BUDGET:
        stuck = [p.label for p in sim.procs if not p.finished]
        who = pl["proc"].label if pl.get("proc") is not None else " and ".join(stuck)
        message = (f"step budget of {sc.step_budget:,} steps exhausted while {who} was still "
                   f"running: a busy-wait or livelock (a loop that keeps polling shared "
                   f"state instead of blocking on a lock, condition, semaphore or event)")
        final = message
    elif kind is FailureKind.HANG:
        kind = FailureKind.STEP_BUDGET
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
    elif kind is FailureKind.UNPICKLABLE:
        message = runtime.unpicklable_message(root, pl["exc"])
    else:   # FailureKind.FOREIGN_PRIMITIVE
        if "found" in pl:
            message = runtime.foreign_message(root, pl["found"])
        else:
            who = pl["proc"].label if pl.get("proc") is not None else "setup"
            message = f"{who} {pl['exc']}"
            final = message
    steps = steps_from(out.events, names)
    timeline = format_timeline(steps, final) if final is not None else ""
    return Failure(kind=kind, message=message, schedule=list(schedule), timeline=timeline,
                   deadlock_cycle=cycle, traceback=tb, scenario=sc.name, steps=steps)


def _finish(sc, out, watchdog, shrink):
    """The Failure for a failing execution ``out``: replayed (and shrunk) with a timeline."""
    found = list(out.schedule)
    if not out.sim.procs:     # failed before any process ran: setup, pickling, foreign
        f = _failure_from(sc, out, [])
    elif out.kind is FailureKind.HANG:
        # a hang costs hang_timeout of wall time per run: one logged replay for the timeline
        final, nodes = _replay_nodes(sc, found, watchdog, log=True)
        if final.kind is FailureKind.HANG:
            f = _failure_from(sc, final, canonical(nodes))
        else:
            f = _failure_from(sc, out, found)
    else:
        again, nodes = _replay_nodes(sc, found, watchdog)
        if again.kind is None or again.signature != out.signature:
            # not reproducible by replay (a non-deterministic scenario): report it as
            # observed, without a timeline of its own
            f = _failure_from(sc, out, found)
        else:
            schedule = canonical(nodes)
            if shrink and out.kind is not FailureKind.STEP_BUDGET:
                schedule = shrink_schedule(
                    nodes, again.signature,
                    lambda candidate: _replay_nodes(sc, candidate, watchdog))
            final, _ = _replay_nodes(sc, schedule, watchdog, log=True)
            f = _failure_from(sc, final, schedule)
    f.original_schedule = found
    return f


# --------------------------------------------------------------------------- public API
def explore(scenario: Scenario, strategy: Union[str, Scheduler] = "random", seed: int = 0,
            max_schedules: int = 200, *, depth: int = 3, max_preemptions: int = 2,
            shrink: bool = True, time_limit: Optional[float] = None) -> ExploreResult:
    """Run ``scenario`` under up to ``max_schedules`` executions chosen by ``strategy``: a
    name ("random"; "pct" with ``depth``; "exhaustive" with ``max_preemptions``; "dpor")
    or a :class:`Scheduler`.  Stop at the first failure, shrink it and return it in the
    result.  ``seed`` determines the run.  ``time_limit`` (wall seconds) stops early, still
    ok if nothing failed (never use it where a verdict must repeat)."""
    if isinstance(strategy, Scheduler):
        scheduler, name = strategy, strategy.name
    else:
        scheduler = make_scheduler(strategy, seed, len(scenario.processes), depth=depth,
                                   max_preemptions=max_preemptions)
        name = strategy
    t0 = real_perf_counter()
    n = abandoned = 0
    ended = False            # the scheduler had nothing left to run
    with virtual_time(), Watchdog(scenario.hang_timeout) as wd:
        while True:
            if not scheduler.new_execution():
                ended = True
                break
            if n >= max_schedules:
                break
            out = _run_once(scenario, scheduler, wd, first=(n == 0))
            n += 1
            abandoned += out.abandoned
            if out.kind is not None:
                f = _finish(scenario, out, wd, shrink)
                f.seed, f.strategy, f.schedule_index = seed, name, n - 1
                return ExploreResult(False, n, f, name, seed, elapsed=real_perf_counter() - t0,
                                     interleavings=n - abandoned, scheduler=scheduler)
            if time_limit is not None and real_perf_counter() - t0 > time_limit:
                break
    return ExploreResult(True, n, None, name, seed, exhausted=ended and scheduler.exhausted,
                         elapsed=real_perf_counter() - t0,
                         complete=ended and scheduler.complete, interleavings=n - abandoned,
                         scheduler=scheduler)


@dataclass
class Counts:
    """What one exploration ran (see :func:`count_executions`)."""

    executions: int = 0             # run, abandoned ones included
    complete: int = 0               # ran to their end (a deadlock is an end)
    blocked: int = 0                # abandoned by the scheduler (sleep-set blocked)
    failures: dict = field(default_factory=dict)   # failure kind -> executions ending so
    first_failure: Optional[int] = None  # executions run up to and including the first failure
    first_failure_seconds: Optional[float] = None
    finished: bool = False          # the scheduler had nothing left to run
    exhaustive: bool = False        # ... and says every class was explored
    seconds: float = 0.0


def count_executions(scenario, scheduler, limit=None, stop_at_failure=False):
    """Run ``scenario`` under ``scheduler`` until it has nothing left (or ``limit``
    executions, or the first failure with ``stop_at_failure``), without shrinking or
    reports, and count: unlike :func:`explore`, a failure need not end the exploration."""
    counts = Counts()
    t0 = real_perf_counter()
    with virtual_time(), Watchdog(scenario.hang_timeout) as wd:
        while True:
            if limit is not None and counts.executions >= limit:
                break
            if not scheduler.new_execution():
                counts.finished = True
                counts.exhaustive = scheduler.complete
                break
            out = _run_once(scenario, scheduler, wd, first=not counts.executions)
            counts.executions += 1
            if out.abandoned:
                counts.blocked += 1
                continue
            counts.complete += 1
            if out.kind is not None:
                kind = str(out.kind)
                counts.failures[kind] = counts.failures.get(kind, 0) + 1
                if counts.first_failure is None:
                    counts.first_failure = counts.executions
                    counts.first_failure_seconds = real_perf_counter() - t0
                if stop_at_failure:
                    break
    counts.seconds = real_perf_counter() - t0
    return counts


@dataclass
class Run:
    """One logged execution (see :func:`run`): every step, whether it failed, and the
    decisions it made (``replay(scenario, run.schedule)`` repeats it)."""

    steps: list                      # Step records, in order
    failure: Optional[Failure]       # None: the scenario's check passed
    schedule: list                   # the pid chosen at each decision with several choices
    abandoned: bool = False          # the scheduler gave up before the end (e.g. StepScheduler.problem)

    @property
    def ok(self):
        return self.failure is None and not self.abandoned


def run(scenario: Scenario, scheduler: Union[Scheduler, Sequence[int]] = ()) -> Run:
    """One execution of ``scenario``, logged, whether or not it fails: under ``scheduler``
    (a Scheduler that runs a single execution, e.g. StepScheduler), or along a schedule of
    decisions as :func:`replay` takes it."""
    if not isinstance(scheduler, Scheduler):
        scheduler = ReplayScheduler(list(scheduler))
    with virtual_time(), Watchdog(scenario.hang_timeout) as wd:
        if not scheduler.new_execution():
            raise ValueError(f"{type(scheduler).__name__} ran no execution")
        out = _run_once(scenario, scheduler, wd, log=True, first=True)
        names = out.names
        schedule = list(out.schedule)
        failure = None
        if out.kind is not None:
            failure = _failure_from(scenario, out, schedule)
            failure.strategy = scheduler.name
        steps = failure.steps if failure is not None else steps_from(out.events, names)
    return Run(steps, failure, schedule, abandoned=out.abandoned)


def replay(scenario: Scenario, schedule: Sequence[int]) -> Optional[Failure]:
    """Re-run exactly ``schedule`` (pids chosen at successive decisions with several
    choices, 0 for "time advances"; after its end the current process keeps running).
    Returns the Failure, or None if it passes."""
    with virtual_time(), Watchdog(scenario.hang_timeout) as wd:
        out, nodes = _replay_nodes(scenario, list(schedule), wd, log=True, first=True)
        if out.kind is None:
            return None
        f = _failure_from(scenario, out, canonical(nodes))
    f.strategy = "replay"
    f.original_schedule = list(schedule)
    return f

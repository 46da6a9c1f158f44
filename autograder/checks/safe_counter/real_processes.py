"""The safe counter in real processes: shared, sent to children under every start method,
and no update lost when many processes increment at once."""
from __future__ import annotations

import multiprocessing

from autograder.judge import RemoteClass
from ..common import call_with_deadline, not_int
from ..common import short
from ..real_property import agreeing, built_within, describe_calls, late_note, ran_under, start_methods
from ..realrun import Call, run_real
from ..report import PropertyResult
from ..settings import active
from .controlled import ATOMIC_FIX, SHARED_FIX



def _lost_updates(method: str, processes: int, initial: int, expected: int, actual: int) -> str:
    added, seen = expected - initial, actual - initial
    if actual > expected:
        return (f"under {method} the {processes} processes added {short(added)} in all, but the counter "
                f"gained {short(seen)}, more than that: a negative increment was lost, because two "
                f"processes read the same old total and both wrote back their own sum")
    return (f"under {method} the {processes} processes added {short(added)} in all, but the counter gained "
            f"only {short(seen)}: {short(added - seen)} of it was lost, because two processes read the same "
            f"old total and both wrote back their own sum")


def _shared_run(SafeCounter, initial: int, calls: list[list[Call]], title: str) -> PropertyResult:
    """What only real processes show: the count is shared, the object can be sent to a child
    under every start method, nothing crashes or hangs, and no update is lost. The runs are
    long enough (tens of thousands of increments at once, after a start barrier) that an
    answer without a lock loses updates on every run measured (see the README).

    Lost updates are evidence of a race, which one run may show and the next not; every
    other failure repeats. So after evidence the remaining methods still run, and a failure
    that repeats (an object that cannot be sent under spawn, say) is the one reported. Runs
    whose processes did not finish are "late" (never a pass: checks/classes.py decides)."""
    if agreeing(title):            # a step-by-step check found a deadlock: every run here is together
        return agreeing(title)
    expected = initial + sum(c.repeat * (c.args[0] if c.args else 1) for proc in calls for c in proc)
    evidence, late = None, []
    for method in start_methods():
        run = run_real(SafeCounter, lambda ctx: SafeCounter(initial, ctx=ctx), calls, method, deadline=active().counting_deadline)
        scenario = f"SafeCounter({initial}) under {method}; " + describe_calls(calls)
        problem = run.problem()
        if problem and run.hung and not run.setup_error:
            late.append(method)
            continue
        if problem:
            return PropertyResult(title, False, problem, scenario, kind="not-shared" if run.setup_error else "")
        try:
            actual = call_with_deadline(lambda: run.obj.value)
        except Exception as exc:
            return PropertyResult(title, False, f"reading value in the parent raised {type(exc).__name__}: {exc}",
                                  scenario)
        problem = not_int(actual, "value in the parent")
        if problem:
            return PropertyResult(title, False, problem, scenario)
        if actual == initial and expected != initial:
            return PropertyResult(title, False, (
                f"the parent still reads {actual} after the processes added {short(expected - initial)}: each "
                f"process changed its own copy, so P1's increments never reached P2"), scenario,
                fix=SHARED_FIX, kind="not-shared")
        if actual != expected and evidence is None:
            evidence = PropertyResult(title, False, _lost_updates(method, len(calls), initial, expected, actual),
                                      scenario, fix=ATOMIC_FIX, evidence=True, kind="lost-update")
    if evidence is not None:
        return evidence
    return PropertyResult(title, True, late_note(late), kind="late") if late else PropertyResult(title, True, ran_under())


def shared_across_processes(SafeCounter) -> PropertyResult:
    calls = [[Call("increment", (1,), 20_000)], [Call("increment", (3,), 15_000)],
             [Call("increment", (-2,), 15_000)], [Call("increment", (0,), 2_000), Call("increment", (), 15_000)]]
    return _shared_run(SafeCounter, 0, calls,
                       f"shared by 4 real processes ({', '.join(start_methods())}): sent, updated, read back, "
                       f"no update lost")


def shared_across_processes_stress(SafeCounter) -> PropertyResult:
    calls = [[Call("increment", (n,), 20_000)] for n in (1, 2, -1, 5, 7, -3)]
    return _shared_run(SafeCounter, -7, calls,
                       f"shared by 6 real processes under load ({', '.join(start_methods())}): no update lost")


def default_context_in_real_processes(SafeCounter) -> PropertyResult:
    """``SafeCounter(initial)`` without ctx, as a student's own code builds it: ``ctx=None``
    means multiprocessing's default context, so the count must still be shared by processes
    started under the default start method (a fallback to a threading.Lock and a plain int
    is not)."""
    method = multiprocessing.get_start_method()
    calls = [[Call("increment", (2,), 500)], [Call("increment", (-1,), 300)]]
    title = f"SafeCounter(4) built without ctx, shared by 2 real processes ({method}, the default start method)"
    if agreeing(title):
        return agreeing(title)
    def make(ctx):
        return SafeCounter.built_for(ctx, 4) if isinstance(SafeCounter, RemoteClass) else SafeCounter(4)

    run = run_real(SafeCounter, built_within(make), calls, method,
                   deadline=active().counting_deadline)
    scenario = f"SafeCounter(4) (no ctx) under {method}; " + describe_calls(calls)
    problem = run.problem()
    if problem and run.hung and not run.setup_error:
        return PropertyResult(title, True, late_note([method]), kind="late")
    if problem:
        return PropertyResult(title, False, f"{problem} (with ctx=None, use multiprocessing.get_context())",
                              scenario, fix=SHARED_FIX, kind="unshared-default")
    try:
        actual = call_with_deadline(lambda: run.obj.value)
    except Exception as exc:
        return PropertyResult(title, False, f"reading value in the parent raised {type(exc).__name__}: {exc}",
                              scenario)
    problem = not_int(actual, "value in the parent")
    if problem:
        return PropertyResult(title, False, problem, scenario)
    if actual == 4:
        return PropertyResult(title, False, (
            f"built without ctx, the counter still reads 4 in the parent after the processes added 700: "
            f"with ctx=None the count is not shared; ctx=None means multiprocessing.get_context(), and "
            f"everything must still come from it"), scenario, fix=SHARED_FIX, kind="unshared-default")
    if actual != 704:
        return PropertyResult(title, False, _lost_updates(method, 2, 4, 704, actual), scenario, fix=ATOMIC_FIX,
                              evidence=True, kind="lost-update")
    return PropertyResult(title, True)

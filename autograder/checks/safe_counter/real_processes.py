"""The safe counter in real processes: shared, sent to children under every start method,
and no update lost when many processes increment at once."""
from __future__ import annotations

from ..common import call_with_deadline, not_int
from ..real_property import describe_calls, start_methods
from ..realrun import Call, run_real
from ..report import PropertyResult
from ..settings import active
from .controlled import ATOMIC_FIX



def _lost_updates(method: str, processes: int, initial: int, expected: int, actual: int) -> str:
    added, seen = expected - initial, actual - initial
    direction = ("higher" if actual > expected else "lower")
    why = (" (a lost negative increment leaves the total higher)" if actual > expected else "")
    return (f"under {method} the {processes} processes added {added:,} in all, but the counter ended "
            f"{direction}, at {actual:,} ({seen:,} added): updates were lost{why}, because two processes "
            f"read the same old total and both wrote back their own sum")


def _shared_run(SafeCounter, initial: int, calls: list[list[Call]], title: str) -> PropertyResult:
    """What only real processes show: the count is shared, the object can be sent to a child
    under every start method, nothing crashes or hangs, and no update is lost. The runs are
    long enough (tens of thousands of increments at once, after a start barrier) that an
    answer without a lock loses updates on every run measured (see the README).

    Lost updates are evidence of a race, which one run may show and the next not; every
    other failure repeats. So after evidence the remaining methods still run, and a failure
    that repeats (an object that cannot be sent under spawn, say) is the one reported."""
    expected = initial + sum(c.repeat * (c.args[0] if c.args else 1) for proc in calls for c in proc)
    evidence = None
    for method in start_methods():
        run = run_real(SafeCounter, lambda ctx: SafeCounter(initial, ctx=ctx), calls, method, deadline=active().counting_deadline)
        scenario = f"SafeCounter({initial}) under {method}; " + describe_calls(calls)
        problem = run.problem()
        if problem:
            return PropertyResult(title, False, problem, scenario)
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
                f"the parent still reads {actual} after the processes added {expected - initial}: each "
                f"process changed its own copy. Keep the count in shared memory from ctx (ctx.Value), "
                f"not in a plain attribute"), scenario)
        if actual != expected and evidence is None:
            evidence = PropertyResult(title, False, _lost_updates(method, len(calls), initial, expected, actual),
                                      scenario, fix=ATOMIC_FIX, evidence=True)
    return evidence if evidence is not None else PropertyResult(title, True)


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

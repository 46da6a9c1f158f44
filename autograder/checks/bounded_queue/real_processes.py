"""The bounded queue in real processes: items pass between the parent and a child under
every start method, a child's put on a full queue times out, and several producers and
consumers at once lose, duplicate and reorder nothing.

Runs with one child process at a time are deterministic: what the child and the parent see
there decides (shared state, objects that can be sent under every start method, timeouts
with real primitives). Runs of several processes at once depend on timing: what only a
wrong answer can produce there (an item lost, duplicated or out of order) is evidence and
fails the property; a hang, which load can cause too, is only a note."""
from __future__ import annotations

import queue

from ..common import NotAnInt, Stuck, call_with_deadline, plain_int, short
from ..real_property import RealOutcome, built_within, real_property, reported_int, start_methods, unshared_hint
from ..realrun import Call, run_real
from ..report import PropertyResult
from ..settings import active
from .controlled import FIXES
from .items import MAX64, MIN64, delivery_problem


def _unshared(method: str) -> str:
    return unshared_hint(f"the child changed its own copy of the queue under {method}",
                         "the items, the indices and the count", "ctx.Array, ctx.Value / RawValue")


def _parent_puts(BoundedQueue, capacity, items):
    """make_obj for run_real: a queue the parent has already put ``items`` into."""
    def make(ctx):
        q = built_within(lambda ctx: BoundedQueue(capacity, ctx=ctx), active().call_deadline)(ctx)
        for item in items:
            try:
                call_with_deadline(lambda: q.put(item))
            except Stuck as exc:
                raise Stuck(f"the parent's put({item}) into a BoundedQueue({capacity}) holding "
                            f"fewer than {capacity} items {exc}") from None
        return q
    return make


def _parent_takes(q, n) -> tuple[object, list]:
    """In the parent after a run: qsize(), then up to ``n`` x get(timeout=0.5), stopping at
    the first queue.Empty (recorded as the string "queue.Empty")."""
    size = plain_int(call_with_deadline(q.qsize), "the parent's qsize()")
    back = []
    for _ in range(n):
        try:
            back.append(plain_int(call_with_deadline(lambda: q.get(timeout=0.5)),
                                  "the parent's get(timeout=0.5)"))
        except queue.Empty:
            back.append("queue.Empty")
            break
    return size, back


def _judge_parent(method, size, back, expected, stale, what) -> str | None:
    """``back``: what the parent got after the child put ``expected``; ``stale``: items the
    parent had put and the child had taken (they must be gone)."""
    if back != expected:
        if back and (back[0] == "queue.Empty" or (stale and back[0] == stale[0])):
            seen = "finds the queue empty" if back[0] == "queue.Empty" else \
                f"still finds its own item {stale[0]!r}, which P1 had taken"
            return f"after {what}, the parent {seen}: {_unshared(method)}"
        return f"after {what}, the parent got {back!r}, expected {expected!r}"
    if size != len(expected):
        return (f"after {what}, the parent's qsize() returned {size!r} while the queue held "
                f"{len(expected)} items")
    return None


def _parent_finds(run, method, expected, stale, what) -> str | None:
    """After the child's run: what the parent takes out must be ``expected`` (see _judge_parent)."""
    try:
        size, back = _parent_takes(run.obj, len(expected))
    except NotAnInt as exc:
        return str(exc)
    except Stuck as exc:
        return f"in the parent, after P1 finished, a call {exc}"
    except Exception as exc:
        return f"in the parent, after P1 finished, raised {type(exc).__name__}: {exc}"
    return _judge_parent(method, size, back, expected, stale, what)


def _exchange_with_parent(BoundedQueue, method: str) -> RealOutcome:
    """The parent puts 2 items; P1 takes them and puts 3; the parent checks and takes those."""
    ours, theirs = [MIN64, MAX64], [-5, 2 ** 40, 0]
    calls = [[Call("get", (), 2, collect=True)] + [Call("put", (x,)) for x in theirs]]
    scenario = (f"BoundedQueue(3) under {method}; parent: put(-2**63), put(2**63 - 1); "
                f"P1: get(), get(), put(-5), put(2**40), put(0); then the parent: qsize(), "
                f"3 x get(timeout=0.5)")
    run = run_real(BoundedQueue, _parent_puts(BoundedQueue, 3, ours), calls, method, active().one_child_deadline)
    problem = run.problem()
    if problem:
        if run.hung:
            problem += (": P1 was alone with the queue, so it waited for the parent's 2 items or for "
                        "room that was there. Are the items and the count in shared memory?")
        return RealOutcome(scenario, problem)
    got = [reported_int(x) for x in run.outcomes[0].returned[0]]
    if got != ours:
        return RealOutcome(scenario, f"P1's two get() calls returned {got!r}, but the parent had put {ours!r} "
                                     f"before starting it")
    return RealOutcome(scenario, _parent_finds(run, method, theirs, ours,
                                               "P1 took the parent's 2 items and put 3 of its own"))


def _full_in_child(BoundedQueue, method: str) -> RealOutcome:
    """P1 fills a BoundedQueue(2) and its third put(timeout=0.2) must raise queue.Full; the
    parent then finds exactly P1's two items."""
    items = [MAX64, -1]
    calls = [[Call("put", (x,)) for x in items] + [Call("put", (7, 0.2))]]
    scenario = (f"BoundedQueue(2) under {method}; P1: put(2**63 - 1), put(-1), put(7, 0.2); then the "
                f"parent: qsize(), 2 x get(timeout=0.5)")
    run = run_real(BoundedQueue, built_within(lambda ctx: BoundedQueue(2, ctx=ctx)), calls, method, active().one_child_deadline)
    outcome = run.outcomes[0]
    if run.setup_error or run.hung:
        problem = run.problem()
        if run.hung:
            problem += ": a put(item, timeout) on a full queue must give up after its timeout"
        return RealOutcome(scenario, problem)
    if outcome.error is None:
        return RealOutcome(scenario, "P1's put(7, 0.2) on a full BoundedQueue(2) returned instead of raising "
                                     "queue.Full after 0.2 s: the queue took more items than its capacity",
                           kind="blocking")
    if not (outcome.error.startswith("Full:") and outcome.failed_call == "put(7, 0.2)"):
        where = f" in {outcome.failed_call}" if outcome.failed_call else ""
        return RealOutcome(scenario, f"P1 raised {outcome.error}{where}; expected only queue.Full from the "
                                     f"third put, put(7, 0.2) on a full queue")
    return RealOutcome(scenario, _parent_finds(run, method, items, [], "P1 put 2 items and its third put timed out"))


def _producers_consumers(BoundedQueue, method, capacity, producers, consumers) -> RealOutcome:
    """A run of several producers and consumers at once. Its problem: the object could not be
    built or sent, or evidence of a bug (an item lost, duplicated or out of order, a wrong
    qsize); late: it did not finish cleanly in time, which load can cause too."""
    calls = [[Call("put", (x,)) for x in items] for items in producers] + \
            [[Call("get", (), n, collect=True)] for n in consumers]
    labels = [f"P{i}" for i in range(1, len(calls) + 1)]
    prod_labels, cons_labels = labels[:len(producers)], labels[len(producers):]
    scenario = f"BoundedQueue({capacity}) under {method}; " + "; ".join(
        [f"{who}: put({short(items[0])}), ..., put({short(items[-1])}) ({len(items):,} items)"
         for who, items in zip(prod_labels, producers)] +
        [f"{who}: {n} x get()" for who, n in zip(cons_labels, consumers)])
    run = run_real(BoundedQueue, built_within(lambda ctx: BoundedQueue(capacity, ctx=ctx)), calls, method, active().concurrent_deadline)
    if run.setup_error:
        return RealOutcome(scenario, run.setup_error)
    if run.problem():
        return RealOutcome(scenario, late=True, hung=bool(run.hung))
    gets = {who: [reported_int(x) for x in run.outcomes[i].returned[0]]
            for i, who in enumerate(cons_labels, len(producers))}
    problem = delivery_problem(dict(zip(prod_labels, producers)), gets)
    if problem:
        return RealOutcome(scenario, f"under {method}, {problem}", kind="items")
    try:
        size = plain_int(call_with_deadline(run.obj.qsize), "the parent's qsize()")
    except NotAnInt as exc:
        return RealOutcome(scenario, str(exc))
    except Stuck:
        return RealOutcome(scenario, late=True, hung=True)
    if size != 0:
        return RealOutcome(scenario, f"under {method}, every item was taken out, but the parent's qsize() is "
                                     f"{size!r}")
    return RealOutcome(scenario)


def _items(start: int, step: int, n: int) -> list[int]:
    return [start + step * k for k in range(n)]


def shared_across_processes(BoundedQueue) -> PropertyResult:
    title = (f"real processes ({', '.join(start_methods())}): items pass from the parent to a "
             f"child and back, in order; 2 producers and 2 consumers at once")
    # sizes a correct answer finishes well within the deadline through the judge's workers, also
    # under spawn on a busy machine (a run that does not finish is never a pass: it is flagged)
    producers = [_items(MIN64, 7, 600), _items(MAX64, -5, 600)]
    return real_property(title, lambda method: _exchange_with_parent(BoundedQueue, method),
                         lambda method: _producers_consumers(BoundedQueue, method, 4, producers, [600, 600]),
                         FIXES["check"])


def stress_across_processes(BoundedQueue) -> PropertyResult:
    title = (f"real processes ({', '.join(start_methods())}): a child's put on a full queue raises "
             f"queue.Full after its timeout; 4 producers and 2 consumers at once under load")
    producers = [_items(MIN64, 1, 1200), _items(-10 ** 9, 1, 1200), _items(MAX64, -1, 1200),
                 _items(10 ** 9, 1, 1200)]
    return real_property(title, lambda method: _full_in_child(BoundedQueue, method),
                         lambda method: _producers_consumers(BoundedQueue, method, 16, producers, [2200, 2600]),
                         FIXES["check"])

"""The bank in real processes: the parent and a child see each other's transfers exactly
under every start method, and several processes transferring at once create or destroy no
money while total() sees no transfer half done.

A run with one child process decides what it can (the object can be sent under every start
method, the parent and the child see each other's transfers exactly). With several
processes at once, what only a wrong answer can produce (money created or destroyed, a
total() that saw a transfer half done) is evidence and fails the property; a hang (a
deadlock, or a busy machine) is only a note: the controlled-interleaving checks judge it."""
from __future__ import annotations

from ..common import NotAnInt, Stuck, call_with_deadline, plain_int
from ..real_property import (RealOutcome, built_within, describe_calls, real_property, reported_int,
                             start_methods, unshared_hint)
from ..realrun import Call, run_real
from ..report import PropertyResult
from ..settings import active
from .controlled import MONEY_FIX, SNAPSHOT_FIX, expected_after, read_balances
from .one_process import REENTRY_HINT

AUDIT_CALLS = 10_000       # total() calls per auditor: enough to span the transfers


def _unshared(method: str) -> str:
    return unshared_hint(f"the processes changed their own copies of the balances under {method}",
                         "the balances", "ctx.Array or one ctx.Value per account")


def _parent_reads(bank, n, scenario: str):
    """``(balances, total)`` as the parent reads them after a run, or the RealOutcome of a
    read that failed (``hung`` when a call did not return)."""
    try:
        got = call_with_deadline(lambda: read_balances(bank, n))
        total = plain_int(call_with_deadline(bank.total), "total() in the parent")
    except NotAnInt as exc:
        return RealOutcome(scenario, str(exc))
    except Stuck as exc:
        return RealOutcome(scenario, f"balance(i) or total() in the parent after the run {exc}. {REENTRY_HINT}",
                           hung=True)
    return got, total


def _child_moves(Bank, method) -> RealOutcome:
    """P1 alone makes three transfers; the parent must see exactly their effect."""
    initial = [1000, 1000, 1000, 1000]
    transfers = [(0, 1, 30), (2, 3, 5), (1, 2, 10)]
    calls = [[Call("transfer", t) for t in transfers]]
    scenario = f"Bank({initial}) under {method}; " + describe_calls(calls) + \
        "; then the parent: balance(0..3), total()"
    run = run_real(Bank, built_within(lambda ctx: Bank(list(initial), ctx=ctx)), calls, method,
                   active().one_child_deadline)
    problem = run.problem()
    if problem:
        if run.hung:
            problem += ": P1 was alone with the bank, so nothing else held its locks"
        return RealOutcome(scenario, problem)
    read = _parent_reads(run.obj, len(initial), scenario)
    if isinstance(read, RealOutcome):
        return read
    got, total = read
    expected = expected_after(initial, transfers)
    if got == initial:
        return RealOutcome(scenario, f"after P1's transfers the parent still sees the initial balances {got!r}: "
                                     f"{_unshared(method)}")
    if got != expected:
        return RealOutcome(scenario, f"after P1's transfers the parent sees balances {got!r}, expected {expected!r}")
    if total != sum(initial):
        return RealOutcome(scenario, f"after P1's transfers the parent's total() returned {total!r}, expected "
                                     f"{sum(initial)}")
    return RealOutcome(scenario)


def _child_reads(Bank, method) -> RealOutcome:
    """The parent transfers before starting P1; P1 alone must see it in balance() and total(),
    and its own transfer must reach the parent."""
    initial = [500, 0, 250]
    scenario = (f"Bank({initial}) under {method}; parent: transfer(0, 1, 120); "
                f"P1: balance(0), balance(1), balance(2), total(), transfer(1, 2, 20); then the "
                f"parent: balance(0..2), total()")

    def make(ctx):
        bank = Bank(list(initial), ctx=ctx)
        bank.transfer(0, 1, 120)
        return bank

    calls = [[Call("balance", (i,)) for i in range(3)] + [Call("total"), Call("transfer", (1, 2, 20))]]
    run = run_real(Bank, built_within(make), calls, method, active().one_child_deadline)
    problem = run.problem()
    if problem:
        if run.hung:
            problem += ": P1 was alone with the bank, so nothing else held its locks. " + REENTRY_HINT
        return RealOutcome(scenario, problem)
    seen = [reported_int(x) for x in run.outcomes[0].returned[:4]]
    expected = [380, 120, 250, 750]
    if seen != expected:
        return RealOutcome(scenario, f"P1 saw balances {seen[:3]!r} and total() {seen[3]!r} after the parent's "
                                     f"transfer(0, 1, 120), expected {expected[:3]!r} and 750")
    read = _parent_reads(run.obj, len(initial), scenario)
    if isinstance(read, RealOutcome):
        return read
    got, total = read
    if got == [380, 120, 250]:
        return RealOutcome(scenario, f"after P1's transfer(1, 2, 20) the parent still sees {got!r}: "
                                     f"{_unshared(method)}")
    if got != [380, 100, 270] or total != 750:
        return RealOutcome(scenario, f"after P1's transfer(1, 2, 20) the parent sees balances {got!r} and "
                                     f"total() {total!r}, expected [380, 100, 270] and 750")
    return RealOutcome(scenario)


def _concurrent_transfers(Bank, method, initial, movers, auditors=0) -> RealOutcome:
    """Several processes at once. Its problem: the object could not be built or sent, or
    evidence of a bug; late: a hang (or a process that failed), which load can cause too."""
    calls = [[Call("transfer", (s, d, a), r) for s, d, a, r in mover] for mover in movers] + \
            [[Call("total", (), AUDIT_CALLS, collect=True)] for _ in range(auditors)]
    scenario = f"Bank({initial}) under {method}; " + describe_calls(calls)
    run = run_real(Bank, built_within(lambda ctx: Bank(list(initial), ctx=ctx)), calls, method,
                   active().concurrent_deadline)
    if run.setup_error:
        return RealOutcome(scenario, run.setup_error)
    if run.problem():
        return RealOutcome(scenario, late=True, hung=bool(run.hung))
    whole = sum(initial)
    for i in range(auditors):
        seen = [reported_int(x) for x in run.outcomes[len(movers) + i].returned[0]]
        wrong = [x for x in seen if x != whole]
        if wrong:
            return RealOutcome(scenario, f"under {method}, P{len(movers) + i + 1}'s total() returned "
                                         f"{wrong[0]!r} while transfers were running, but the bank always "
                                         f"holds {whole}: total() saw a transfer half done", kind="snapshot")
    read = _parent_reads(run.obj, len(initial), scenario)
    if isinstance(read, RealOutcome):
        return RealOutcome(scenario, late=True, hung=True) if read.hung else read
    got, total = read
    expected = list(initial)
    for mover in movers:
        for s, d, a, r in mover:
            expected[s] -= a * r
            expected[d] += a * r
    if got == list(initial) != expected:        # not a matter of timing
        return RealOutcome(scenario, f"after the transfers the parent still sees the initial balances {got!r}: "
                                     f"{_unshared(method)}", kind="not-shared")
    if got != expected:
        return RealOutcome(scenario, f"under {method}, after the transfers the parent sees balances {got!r} "
                                     f"(total {sum(got)}), expected {expected!r} (total {whole}): updates were lost",
                           kind="money")
    if total != whole:
        return RealOutcome(scenario, f"under {method}, after the transfers total() returned {total!r}, expected "
                                     f"{whole}", kind="snapshot")
    return RealOutcome(scenario)


def shared_across_processes(Bank) -> PropertyResult:
    title = (f"real processes ({', '.join(start_methods())}): the parent sees exactly the money a "
             f"child moved; opposite and disjoint transfers in 4 processes at once")
    initial = [10_000] * 4        # enough for every debit to come first
    movers = [[(0, 1, 1, 2500)], [(1, 0, 2, 2500)], [(2, 3, 3, 2000)], [(3, 2, 1, 2000)]]
    return real_property(title, lambda method: _child_moves(Bank, method),
                         lambda method: _concurrent_transfers(Bank, method, initial, movers), MONEY_FIX)


def stress_across_processes(Bank) -> PropertyResult:
    title = (f"real processes ({', '.join(start_methods())}): a child sees the parent's transfer in "
             f"balance() and total(); 4 processes transfer while 2 others call total()")
    initial = [10_000] * 4        # enough for every debit to come first
    movers = [[(0, 1, 1, 3000)], [(1, 0, 1, 3000), (2, 1, 1, 500)], [(2, 3, 2, 2500)], [(3, 0, 1, 2500)]]
    return real_property(title, lambda method: _child_reads(Bank, method),
                         lambda method: _concurrent_transfers(Bank, method, initial, movers, auditors=2),
                         f"{MONEY_FIX}; {SNAPSHOT_FIX}")

"""Checks for the lock-ordering exercise: ``Bank(balances, *, ctx=None)`` with accounts
``0..n-1``; ``transfer(src, dst, amount)`` (atomic; ``ValueError`` for an unknown account,
``amount <= 0`` or insufficient funds, balances unchanged; ``src == dst`` changes nothing),
``balance(i)`` and ``total()`` (a consistent snapshot). One lock per account, taken in one
global order: transfers on disjoint accounts must not wait for each other."""
from __future__ import annotations

import ast
import inspect

from .answers import require_class
from autograder.engine import Scenario, Scheduler, hooks
from .realrun import Call, run_real
from .report import PropertyResult
from .common import (NotAnInt, Stuck, built_within, call_with_deadline, describe_calls, plain_int,
                     real_property, start_methods)
from .controlled import DPOR, Finding, Plan, controlled
from .weights import suites

SIGNATURE = "Bank(balances, *, ctx=None) with transfer(src, dst, amount), balance(i) and total()"

STEP_DEADLINE = 2.0        # seconds one call in one process may take
REAL_DEADLINE = 15.0       # seconds a run with one child process may take (it decides; a
#                            correct answer needs well under one, but a spawned child on a
#                            machine whose load just jumped gets little CPU before the load
#                            average, and so the machine share, catches up)
AUDIT_CALLS = 10_000       # total() calls per auditor: enough to span the transfers
NOTE_DEADLINE = 15.0       # seconds a run of several processes at once may take: a hang there
#                            is only a note, and a correct answer needs a second or two


def load(module):
    return require_class(module, "Bank", SIGNATURE, ["balances", "ctx"])


# ------------------------------------------------------------------ one process (real ctx)
_REENTRY_HINT = ("Does it acquire a lock it already holds? A ctx.Lock is not re-entrant: for "
                 "src == dst return before locking, and do not call balance() from total() "
                 "while holding the locks")


class _Stop(Exception):
    """Ends the one-process script with a message for the student."""


def contract_in_one_process(Bank) -> PropertyResult:
    name = ("one process: balance(), total() and transfer() move money; transfer(i, i, x) "
            "changes nothing; ValueError for an unknown account, amount <= 0 or insufficient "
            "funds, with the balances unchanged; a bank with a single account")
    history: list[str] = []

    def after() -> str:
        shown = history[-6:]
        return "after " + ("..., " if len(history) > len(shown) else "") + ", ".join(shown)

    def call(text, fn):
        before = after()
        history.append(text)
        try:
            return call_with_deadline(fn, STEP_DEADLINE)
        except Stuck as exc:
            raise _Stop(f"{before}: {text} {exc} in a single process. {_REENTRY_HINT}") from None

    box = {}
    initial = [100, 50, 0, 7]
    n = len(initial)

    def balances():
        return [plain_int(call(f"balance({i})", lambda i=i: box["bank"].balance(i)), f"balance({i})")
                for i in range(n)]

    def expect(expected, what):
        got = balances()
        del history[-n:]      # the reads are not interesting in the history
        if got != expected:
            raise _Stop(f"{what}, the balances are {got!r} but should be {expected!r}")
        total = plain_int(call("total()", lambda: box["bank"].total()), "total()")
        del history[-1:]
        if total != sum(expected):
            raise _Stop(f"{what}, total() returned {total!r} but the balances {expected!r} add "
                        f"up to {sum(expected)}")

    def refuse(args, why, unchanged):
        """transfer(*args) must raise ValueError and leave the balances ``unchanged``."""
        text = f"transfer{args}"
        before_text = after()
        try:
            call(text, lambda: box["bank"].transfer(*args))
        except ValueError:
            pass
        except _Stop:
            raise
        except Exception as exc:
            raise _Stop(f"{before_text}: {text} raised {type(exc).__name__}: {exc}; the contract "
                        f"says ValueError ({why})") from None
        else:
            got = balances()
            del history[-n:]
            changed = "" if got == unchanged else f", and the balances became {got!r}"
            raise _Stop(f"{before_text}: {text} returned without raising ValueError, but "
                        f"{why}{changed}")
        got = balances()
        del history[-n:]
        if got != unchanged:
            raise _Stop(f"{before_text}: {text} raised ValueError ({why}), but the balances "
                        f"changed from {unchanged!r} to {got!r}: check everything before "
                        f"changing any balance")

    moves = [((0, 1, 30), [70, 80, 0, 7]), ((1, 2, 80), [70, 0, 80, 7]), ((3, 0, 7), [77, 0, 80, 0]),
             ((2, 2, 5), [77, 0, 80, 0])]
    errors = [((0, 4, 1), "account 4 does not exist"), ((4, 0, 1), "account 4 does not exist"),
              ((-1, 0, 1), "account -1 does not exist (Python's negative indexing would quietly "
                           "use the last account: check 0 <= i < n)"),
              ((0, -1, 1), "account -1 does not exist (Python's negative indexing would quietly "
                           "use the last account: check 0 <= i < n)"),
              ((0, 1, 0), "the amount must be positive"), ((0, 1, -5), "the amount must be positive"),
              ((1, 0, 1), "account 1 holds 0"), ((0, 2, 78), "account 0 holds only 77")]
    try:
        call(f"Bank({initial})", lambda: box.update(bank=Bank(list(initial))))
        expect(initial, f"after Bank({initial})")
        for args, expected in moves:
            text = f"transfer{args}"
            try:
                call(text, lambda a=args: box["bank"].transfer(*a))
            except _Stop:
                raise
            except Exception as exc:
                if args[0] == args[1]:
                    raise _Stop(f"{after()}: {text} raised {type(exc).__name__}: {exc}, but a "
                                f"transfer from an account to itself must change nothing and just "
                                f"return") from None
                raise _Stop(f"{after()}: {text} raised {type(exc).__name__}: {exc}") from None
            expect(expected, after())
        for args, why in errors:
            refuse(args, why, moves[-1][1])
        expect(moves[-1][1], after())
        # a single account: a transfer to itself changes nothing; anything else is refused
        n = 1
        call("Bank([5])", lambda: box.update(bank=Bank([5])))
        expect([5], "after Bank([5])")
        call("transfer(0, 0, 3)", lambda: box["bank"].transfer(0, 0, 3))
        expect([5], after())
        for args, why in (((0, 1, 1), "account 1 does not exist"),
                          ((0, 0, 0), "the amount must be positive")):
            refuse(args, why, [5])
    except (_Stop, NotAnInt) as stop:
        return PropertyResult(name, False, str(stop))
    except Exception as exc:
        return PropertyResult(name, False, f"{after()}: raised {type(exc).__name__}: {exc}")
    return PropertyResult(name, True)


# ------------------------------------------------------------------ controlled interleavings
def _uses_id(Bank) -> bool:
    try:
        source = inspect.getsource(inspect.getmodule(Bank))
    except (OSError, TypeError):
        return False
    return "id(" in source.replace(" ", "") or "key=id" in source.replace(" ", "") or \
        "hash(" in source.replace(" ", "")


_SNAPSHOT_FIX = ("total() must hold every account's lock at once (taken in the same global order as "
                 "transfer) while it sums, and a transfer must debit and credit under both locks")
_ORDER_FIX = ("take the locks in one global order that every process agrees on, e.g. the smaller "
              "account number first, in transfer() and in total()")
_MONEY_FIX = "read and write the balances only while holding both accounts' locks"


def _fixes(Bank):
    """The fixes for failures of ``Bank``'s controlled runs."""
    def order(failure, story):
        cycle = failure.deadlock_cycle or []
        if len(cycle) == 1:
            return ("never acquire a lock you already hold (a ctx.Lock is not re-entrant): for src == dst "
                    "return before locking, and do not call balance() from total() while holding the locks")
        if _uses_id(Bank):
            return (f"{_ORDER_FIX}. Ordering by id() (or hash()) is not such an order: every spawned process "
                    f"has its own copies of the locks at different addresses, so two processes can sort "
                    f"the same locks differently (here P2 sees them in the opposite order)")
        return _ORDER_FIX
    return {"deadlock-cycle": order, "deadlock": order, "lost-update": _MONEY_FIX, "check": _MONEY_FIX,
            "step-budget": "block in acquire() instead of polling in a loop",
            "unpicklable": "create every lock and shared value from ctx (ctx.Lock(), ctx.Array('q', balances))",
            "foreign-primitive": "create every lock and shared value from the ctx passed to the constructor"}


_SHARED_FIX = ("keep the balances in shared memory from ctx (ctx.Array or one ctx.Value per account), not "
               "in a Python list or a plain attribute")


def _unshared_controlled(got):
    return Finding(f"the transfers returned, but afterwards the balances are still {got!r}: each process "
                   f"changed its own copy", _SHARED_FIX)


def _read_balances(bank, n):
    """Every balance, as ints (NotAnInt otherwise: comparisons run on the grader's own types)."""
    return [plain_int(bank.balance(i), f"balance({i})") for i in range(n)]


def _transfers_scenario(Bank, initial, transfers, check_extra=None, *, may_fail=False) -> Scenario:
    """One process per transfer (src, dst, amount). With ``may_fail`` a ValueError is a
    result ("ValueError"), else it is a failure of the run."""
    text = "; ".join(f"P{i}: transfer{t}" for i, t in enumerate(transfers, 1))

    def body(t):
        def run(bank):
            try:
                bank.transfer(*t)
            except ValueError:
                if not may_fail:
                    raise
                return "ValueError"
            return "ok"
        return run

    def check(bank, results):
        got = _read_balances(bank, len(initial))
        done = _expected_after(initial, [t for t, r in zip(transfers, results) if r == "ok"])
        if got == list(initial) != done:
            return _unshared_controlled(got)
        if sum(got) != sum(initial):
            fix = _MONEY_FIX
            if "ValueError" in results:
                fix = (f"check the funds before changing anything (a transfer that raises ValueError must "
                       f"leave every balance as it was), and {_MONEY_FIX}")
            return Finding(f"money was {'created' if sum(got) > sum(initial) else 'destroyed'}: the balances "
                           f"are {got!r}, total {sum(got)} instead of {sum(initial)}", fix)
        if check_extra:
            return check_extra(got, results)
        return None

    return Scenario(f"Bank({initial}); {text}", lambda ctx: Bank(list(initial), ctx=ctx),
                    [body(t) for t in transfers], check)


def _expected_after(initial, transfers):
    out = list(initial)
    for src, dst, amount in transfers:
        out[src] -= amount
        out[dst] += amount
    return out


def _exact(initial, transfers):
    expected = _expected_after(initial, transfers)

    def check(got, results):
        if got != expected:
            return Finding(f"after the transfers the balances are {got!r}, expected {expected!r}: one "
                           f"transfer overwrote another's update", _MONEY_FIX)
        return None
    return check


@controlled("no deadlock: transfer(0, 1) and transfer(1, 0) at the same time, in every interleaving "
            "(each process sees its own copy of the locks, as under spawn)", globals_mode="ids")
def no_deadlock_opposite_transfers(Bank):
    transfers = [(0, 1, 10), (1, 0, 20)]
    return [Plan(_transfers_scenario(Bank, [100, 100], transfers, _exact([100, 100], transfers)),
                 [DPOR, ("exhaustive", 0, 3000, {"max_preemptions": 20})], _fixes(Bank))]


@controlled("money is conserved and never overdrawn: two withdrawals of 80 from 100, and two transfers "
            "through one account (every interleaving)", globals_mode="ids")
def no_overdraft_no_lost_update(Bank):
    def one_of_two(got, results):
        if got[0] < 0:
            return Finding(f"both transfers of 80 from account 0 (holding 100) succeeded and account 0 "
                           f"ended at {got[0]}", "check the funds and debit while holding the locks, so "
                           "that no other transfer changes the balance in between")
        if results.count("ValueError") != 1:
            return (f"account 0 held 100 and two processes each moved 80 out of it: exactly one "
                    f"should succeed and one raise ValueError, but the results were {results!r} "
                    f"with balances {got!r}")
        if got not in ([20, 80, 0], [20, 0, 80]):
            return f"after one transfer of 80 from account 0 the balances are {got!r}"
        return None

    withdrawals = [(0, 1, 80), (0, 2, 80)]
    chain = [(0, 1, 10), (1, 2, 10)]
    return [
        Plan(_transfers_scenario(Bank, [100, 0, 0], withdrawals, one_of_two, may_fail=True),
             [DPOR, ("exhaustive", 0, 3000, {"max_preemptions": 20})], _fixes(Bank)),
        Plan(_transfers_scenario(Bank, [50, 50, 50], chain, _exact([50, 50, 50], chain)),
             [DPOR, ("exhaustive", 0, 1500, {"max_preemptions": 4})], _fixes(Bank)),
    ]


@controlled("no deadlock and no lost money with three transfers in a cycle 0 -> 1 -> 2 -> 0 and with four "
            "processes on four accounts (every interleaving, or PCT and random search if there are too many)",
            globals_mode="ids")
def cyclic_transfers(Bank):
    cycle = [(0, 1, 10), (1, 2, 10), (2, 0, 10)]
    mixed = [(0, 1, 5), (1, 2, 7), (2, 3, 9), (3, 0, 11)]
    return [
        Plan(_transfers_scenario(Bank, [100, 100, 100], cycle, _exact([100, 100, 100], cycle)),
             [DPOR, ("exhaustive", 0, 3500, {"max_preemptions": 2}), ("pct", 3, 200, {"depth": 3})], _fixes(Bank)),
        Plan(_transfers_scenario(Bank, [20, 20, 20, 20], mixed, _exact([20, 20, 20, 20], mixed)),
             [DPOR, ("pct", 5, 400, {"depth": 3}), ("random", 6, 400, {})], _fixes(Bank)),
    ]


@controlled("total() is a consistent snapshot: a process calling total() while transfers run always sees "
            "the bank's whole money", globals_mode="ids")
def total_is_a_snapshot(Bank):
    initial = [30, 20, 10]
    whole = sum(initial)

    def mover1(bank):
        bank.transfer(0, 1, 10)
        bank.transfer(1, 2, 5)

    def mover2(bank):
        bank.transfer(2, 0, 7)

    def auditor(bank):
        return [bank.total(), bank.total()]

    def check(bank, results):
        got = _read_balances(bank, len(initial))
        if got == initial:
            return _unshared_controlled(got)
        if sum(got) != whole:
            return Finding(f"money was {'created' if sum(got) > whole else 'destroyed'}: the balances "
                           f"are {got!r}, total {sum(got)} instead of {whole}", _MONEY_FIX)
        if got != [27, 25, 8]:
            return f"after the three transfers the balances are {got!r}, expected [27, 25, 8]"
        for seen in results[2]:
            if plain_int(seen, "P3's total()") != whole:
                return Finding(f"P3's total() returned {seen!r} while transfers were running, but the bank "
                               f"always holds {whole}: it saw a transfer half done", _SNAPSHOT_FIX)
        return None

    scenario = Scenario(f"Bank({initial}); P1: transfer(0, 1, 10), transfer(1, 2, 5); "
                        f"P2: transfer(2, 0, 7); P3: total(), total()",
                        lambda ctx: Bank(list(initial), ctx=ctx), [mover1, mover2, auditor], check)
    return [Plan(scenario, [DPOR, ("exhaustive", 0, 1500, {"max_preemptions": 1}), ("pct", 7, 400, {"depth": 3}),
                            ("random", 8, 400, {})], _fixes(Bank))]


# ------------------------------------------------------------------ disjoint transfers
class _PauseMidUpdate(Scheduler):
    """One execution: P1 runs until shared memory first changes (it is then inside its
    critical section); from then on P2 runs whenever it can."""

    name = "P1 paused mid-update"

    def __init__(self):
        self.executions = 0
        self.snapshot = None
        self.triggered = False

    def new_execution(self):
        self.executions += 1
        return self.executions == 1

    def next(self, runnable, current):
        memory = hooks.shared_memory()
        if self.snapshot is None:
            self.snapshot = memory
        elif not self.triggered and memory != self.snapshot:
            self.triggered = True
        want = 2 if self.triggered else 1
        for p in runnable:
            if p.pid == want:
                return p
        return current if current in runnable else runnable[0]


@controlled("transfers on disjoint accounts do not wait for each other: transfer(2, 3) completes while "
            "transfer(0, 1) is in the middle of its update", globals_mode="time")
def disjoint_transfers_in_parallel(Bank):
    """P1's transfer(0, 1) is paused right after it first changes shared memory (so it is
    inside its critical section); from then on P2's transfer(2, 3) runs whenever it can.
    With one lock per account P2 finishes while P1 is paused; with one lock for the whole
    bank P2 blocks until P1 is done."""
    initial = [100, 100, 100, 100]
    order = []
    scheduler = _PauseMidUpdate()

    def setup(ctx):
        order.clear()
        return Bank(list(initial), ctx=ctx)

    def first(bank):
        bank.transfer(0, 1, 10)
        order.append("P1")

    def second(bank):
        bank.transfer(2, 3, 20)
        order.append("P2")

    def check(bank, results):
        got = _read_balances(bank, len(initial))
        if got == initial:
            return _unshared_controlled(got)
        if got != [90, 110, 80, 120]:
            return f"after transfer(0, 1, 10) and transfer(2, 3, 20) the balances are {got!r}"
        if scheduler.triggered and order == ["P1", "P2"]:
            return Finding("transfers on disjoint accounts waited for each other: P2's transfer(2, 3, 20) "
                           "could not finish while P1's transfer(0, 1, 10) was in the middle of its update, "
                           "although they share no account", "use one lock per account (not one lock for the "
                           "whole bank) and take only the locks of src and dst")
        return None

    scenario = Scenario("Bank([100, 100, 100, 100]); P1: transfer(0, 1, 10), paused right after it "
                        "changes a balance; P2: transfer(2, 3, 20), run while P1 is paused",
                        setup, [first, second], check)
    return [Plan(scenario, [(scheduler, 0, 1, {"shrink": False})], _fixes(Bank))]


# ------------------------------------------------------------------ real processes
# A run with one child process decides what it can (the object can be sent under every start
# method, the parent and the child see each other's transfers exactly). With several
# processes at once, what only a wrong answer can produce (money created or destroyed, a
# total() that saw a transfer half done) is evidence and fails the property; a hang (a
# deadlock, or a busy machine) is only a note: the controlled-interleaving checks judge it.
def _literal(text: str):
    """A child's result (a repr) as an int if it is an int literal, else the text itself."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    return value if type(value) is int else text


def _unshared(method):
    return (f"the processes changed their own copies of the balances under {method}. Keep the "
            f"balances in shared memory from ctx (ctx.Array or one ctx.Value per account), not "
            f"in a Python list or a plain attribute")


def _parent_reads(bank, n):
    """((balances, total), None, False) as the parent reads them after a run, or (None,
    message, stuck) where ``stuck`` says a call did not return (a hang, not evidence)."""
    try:
        got = call_with_deadline(lambda: _read_balances(bank, n), STEP_DEADLINE)
        total = plain_int(call_with_deadline(bank.total, STEP_DEADLINE), "total() in the parent")
    except NotAnInt as exc:
        return None, str(exc), False
    except Stuck as exc:
        return None, f"balance(i) or total() in the parent after the run {exc}. {_REENTRY_HINT}", True
    return (got, total), None, False


def _child_moves(Bank, method) -> tuple[str | None, str]:
    """P1 alone makes three transfers; the parent must see exactly their effect."""
    initial = [1000, 1000, 1000, 1000]
    transfers = [(0, 1, 30), (2, 3, 5), (1, 2, 10)]
    calls = [[Call("transfer", t) for t in transfers]]
    scenario = f"Bank({initial}) under {method}; " + describe_calls(calls) + \
        "; then the parent: balance(0..3), total()"
    run = run_real(built_within(lambda ctx: Bank(list(initial), ctx=ctx)), calls, method, REAL_DEADLINE)
    problem = run.problem()
    if problem:
        if run.hung:
            problem += ": P1 was alone with the bank, so nothing else held its locks"
        return problem, scenario
    read, problem, _ = _parent_reads(run.obj, len(initial))
    if problem:
        return problem, scenario
    got, total = read
    expected = _expected_after(initial, transfers)
    if got == initial:
        return (f"after P1's transfers the parent still sees the initial balances {got!r}: "
                f"{_unshared(method)}"), scenario
    if got != expected:
        return f"after P1's transfers the parent sees balances {got!r}, expected {expected!r}", scenario
    if total != sum(initial):
        return f"after P1's transfers the parent's total() returned {total!r}, expected {sum(initial)}", scenario
    return None, scenario


def _child_reads(Bank, method) -> tuple[str | None, str]:
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
    run = run_real(built_within(make), calls, method, REAL_DEADLINE)
    problem = run.problem()
    if problem:
        if run.hung:
            problem += (": P1 was alone with the bank, so nothing else held its locks. "
                        + _REENTRY_HINT)
        return problem, scenario
    seen = [_literal(x) for x in run.outcomes[0].returned[:4]]
    expected = [380, 120, 250, 750]
    if seen != expected:
        return (f"P1 saw balances {seen[:3]!r} and total() {seen[3]!r} after the parent's "
                f"transfer(0, 1, 120), expected {expected[:3]!r} and 750"), scenario
    read, problem, _ = _parent_reads(run.obj, len(initial))
    if problem:
        return problem, scenario
    got, total = read
    if got == [380, 120, 250]:
        return (f"after P1's transfer(1, 2, 20) the parent still sees {got!r}: "
                f"{_unshared(method)}"), scenario
    if got != [380, 100, 270] or total != 750:
        return (f"after P1's transfer(1, 2, 20) the parent sees balances {got!r} and total() "
                f"{total!r}, expected [380, 100, 270] and 750"), scenario
    return None, scenario


def _concurrent_transfers(Bank, method, initial, movers, auditors=0):
    """Several processes at once. Returns (verdict, message, scenario, hung): verdict None,
    "fail" (the object could not be built or sent, or evidence of a bug) or "note" (a hang)."""
    calls = [[Call("transfer", (s, d, a), r) for s, d, a, r in mover] for mover in movers] + \
            [[Call("total", (), AUDIT_CALLS, collect=True)] for _ in range(auditors)]
    scenario = f"Bank({initial}) under {method}; " + describe_calls(calls)
    run = run_real(built_within(lambda ctx: Bank(list(initial), ctx=ctx)), calls, method, NOTE_DEADLINE)
    if run.setup_error:
        return "fail", run.setup_error, scenario, False
    problem = run.problem()
    if problem:
        if run.hung:
            problem += (" (with transfers in opposite directions: a deadlock when processes take "
                        "two locks in different orders)")
        return "note", problem, scenario, bool(run.hung)
    whole = sum(initial)
    for i in range(auditors):
        seen = [_literal(x) for x in run.outcomes[len(movers) + i].returned[0]]
        wrong = [x for x in seen if x != whole]
        if wrong:
            return "fail", (f"under {method}, P{len(movers) + i + 1}'s total() returned {wrong[0]!r} "
                            f"while transfers were running, but the bank always holds {whole}: "
                            f"total() saw a transfer half done"), scenario, False
    read, problem, stuck = _parent_reads(run.obj, len(initial))
    if problem:
        return ("note" if stuck else "fail"), problem, scenario, stuck
    got, total = read
    expected = list(initial)
    for mover in movers:
        for s, d, a, r in mover:
            expected[s] -= a * r
            expected[d] += a * r
    if got == list(initial) != expected:        # not a matter of timing
        return "fail", (f"after the transfers the parent still sees the initial balances {got!r}: "
                        f"{_unshared(method)}"), scenario, False
    if got != expected:
        return "fail", (f"under {method}, after the transfers the parent sees balances {got!r} (total "
                        f"{sum(got)}), expected {expected!r} (total {whole}): updates were lost"), scenario, False
    if total != whole:
        return "fail", (f"under {method}, after the transfers total() returned {total!r}, expected "
                        f"{whole}"), scenario, False
    return None, None, scenario, False


def shared_across_processes(Bank) -> PropertyResult:
    title = (f"real processes ({', '.join(start_methods())}): the parent sees exactly the money a "
             f"child moved; opposite and disjoint transfers in 4 processes at once")
    initial = [10_000] * 4        # enough for every debit to come first
    movers = [[(0, 1, 1, 2500)], [(1, 0, 2, 2500)], [(2, 3, 3, 2000)], [(3, 2, 1, 2000)]]
    return real_property(title, Bank, _child_moves,
                         lambda method: _concurrent_transfers(Bank, method, initial, movers), _MONEY_FIX)


def stress_across_processes(Bank) -> PropertyResult:
    title = (f"real processes ({', '.join(start_methods())}): a child sees the parent's transfer in "
             f"balance() and total(); 4 processes transfer while 2 others call total()")
    initial = [10_000] * 4        # enough for every debit to come first
    movers = [[(0, 1, 1, 3000)], [(1, 0, 1, 3000), (2, 1, 1, 500)], [(2, 3, 2, 2500)], [(3, 0, 1, 2500)]]
    return real_property(title, Bank, _child_reads,
                         lambda method: _concurrent_transfers(Bank, method, initial, movers, auditors=2),
                         f"{_MONEY_FIX}; {_SNAPSHOT_FIX}")


# Each suite's properties, in order; their points are in autograder/checks/weights.py.
SUITES = suites("lock_ordering", {
    "visible": [contract_in_one_process, no_deadlock_opposite_transfers, no_overdraft_no_lost_update,
                shared_across_processes],
    "hidden": [total_is_a_snapshot, disjoint_transfers_in_parallel, cyclic_transfers, stress_across_processes],
})

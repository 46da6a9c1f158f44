"""The bank under controlled interleavings, each process with its own copy of the locks as
under spawn: no deadlock whatever the transfers' directions, money conserved and never
overdrawn, total() a consistent snapshot, and transfers on disjoint accounts in parallel."""
from __future__ import annotations

from autograder.engine import Scenario, Scheduler, hooks
from ..answers import answer_source
from ..common import plain_int
from ..controlled import Finding, Plan, controlled
from ..searches import Bounded, Custom, Dpor, Pct, RandomWalk


def _uses_id(Bank) -> bool:
    source = answer_source(Bank)
    return "id(" in source.replace(" ", "") or "key=id" in source.replace(" ", "") or \
        "hash(" in source.replace(" ", "")


SNAPSHOT_FIX = ("total() must hold every account's lock at once (taken in the same global order as "
                "transfer) while it sums, and a transfer must debit and credit under both locks")
_ORDER_FIX = ("take the locks in one global order that every process agrees on, e.g. the smaller "
              "account number first, in transfer() and in total()")
MONEY_FIX = "read and write the balances only while holding both accounts' locks"


def bank_fixes(Bank):
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
    return {"deadlock-cycle": order, "deadlock": order, "lost-update": MONEY_FIX, "check": MONEY_FIX,
            "step-budget": "block in acquire() instead of polling in a loop",
            "unpicklable": "create every lock and shared value from ctx (ctx.Lock(), ctx.Array('q', balances))",
            "foreign-primitive": "create every lock and shared value from the ctx passed to the constructor"}


_SHARED_FIX = ("keep the balances in shared memory from ctx (ctx.Array or one ctx.Value per account), not "
               "in a Python list or a plain attribute")


def _unshared_controlled(got):
    return Finding(f"the transfers returned, but afterwards the balances are still {got!r}: each process "
                   f"changed its own copy", _SHARED_FIX, kind="not-shared")


def read_balances(bank, n):
    """Every balance, as ints (NotAnInt otherwise: comparisons run on the grader's own types)."""
    return [plain_int(bank.balance(i), f"balance({i})") for i in range(n)]


def transfers_scenario(Bank, initial, transfers, check_extra=None, *, may_fail=False) -> Scenario:
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
        got = read_balances(bank, len(initial))
        done = expected_after(initial, [t for t, r in zip(transfers, results) if r == "ok"])
        if got == list(initial) != done:
            return _unshared_controlled(got)
        if sum(got) != sum(initial):
            fix = MONEY_FIX
            if "ValueError" in results:
                fix = (f"check the funds before changing anything (a transfer that raises ValueError must "
                       f"leave every balance as it was), and {MONEY_FIX}")
            return Finding(f"money was {'created' if sum(got) > sum(initial) else 'destroyed'}: the balances "
                           f"are {got!r}, total {sum(got)} instead of {sum(initial)}", fix, kind="money")
        if check_extra:
            return check_extra(got, results)
        return None

    return Scenario(f"Bank({initial}); {text}", lambda ctx: Bank(list(initial), ctx=ctx),
                    [body(t) for t in transfers], check)


def expected_after(initial, transfers):
    out = list(initial)
    for src, dst, amount in transfers:
        out[src] -= amount
        out[dst] += amount
    return out


def _exact(initial, transfers):
    expected = expected_after(initial, transfers)

    def check(got, results):
        if got != expected:
            return Finding(f"after the transfers the balances are {got!r}, expected {expected!r}: one "
                           f"transfer overwrote another's update", MONEY_FIX)
        return None
    return check


@controlled("no deadlock: transfer(0, 1) and transfer(1, 0) at the same time, in every interleaving "
            "(each process sees its own copy of the locks, as under spawn)", globals_mode="ids")
def no_deadlock_opposite_transfers(Bank):
    transfers = [(0, 1, 10), (1, 0, 20)]
    return [Plan(transfers_scenario(Bank, [100, 100], transfers, _exact([100, 100], transfers)),
                 [Dpor(), Bounded(20, 3000)], bank_fixes(Bank))]


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
        Plan(transfers_scenario(Bank, [100, 0, 0], withdrawals, one_of_two, may_fail=True),
             [Dpor(), Bounded(20, 3000)], bank_fixes(Bank)),
        Plan(transfers_scenario(Bank, [50, 50, 50], chain, _exact([50, 50, 50], chain)),
             [Dpor(), Bounded(4, 1500)], bank_fixes(Bank)),
    ]


@controlled("no deadlock and no lost money with three transfers in a cycle 0 -> 1 -> 2 -> 0 and with four "
            "processes on four accounts (every interleaving, or PCT and random search if there are too many)",
            globals_mode="ids")
def cyclic_transfers(Bank):
    cycle = [(0, 1, 10), (1, 2, 10), (2, 0, 10)]
    mixed = [(0, 1, 5), (1, 2, 7), (2, 3, 9), (3, 0, 11)]
    return [
        Plan(transfers_scenario(Bank, [100, 100, 100], cycle, _exact([100, 100, 100], cycle)),
             [Dpor(), Bounded(2, 3500), Pct(3, 200, depth=3)], bank_fixes(Bank)),
        Plan(transfers_scenario(Bank, [20, 20, 20, 20], mixed, _exact([20, 20, 20, 20], mixed)),
             [Dpor(), Pct(5, 400, depth=3), RandomWalk(6, 400)], bank_fixes(Bank)),
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
        got = read_balances(bank, len(initial))
        if got == initial:
            return _unshared_controlled(got)
        if sum(got) != whole:
            return Finding(f"money was {'created' if sum(got) > whole else 'destroyed'}: the balances "
                           f"are {got!r}, total {sum(got)} instead of {whole}", MONEY_FIX)
        if got != [27, 25, 8]:
            return f"after the three transfers the balances are {got!r}, expected [27, 25, 8]"
        for seen in results[2]:
            if plain_int(seen, "P3's total()") != whole:
                return Finding(f"P3's total() returned {seen!r} while transfers were running, but the bank "
                               f"always holds {whole}: it saw a transfer half done", SNAPSHOT_FIX, kind="snapshot")
        return None

    scenario = Scenario(f"Bank({initial}); P1: transfer(0, 1, 10), transfer(1, 2, 5); "
                        f"P2: transfer(2, 0, 7); P3: total(), total()",
                        lambda ctx: Bank(list(initial), ctx=ctx), [mover1, mover2, auditor], check)
    return [Plan(scenario, [Dpor(), Bounded(1, 1500), Pct(7, 400, depth=3), RandomWalk(8, 400)], bank_fixes(Bank))]


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

    def coverage(self, result):
        return "one schedule: P1 paused in the middle of its update while P2 runs"


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
        got = read_balances(bank, len(initial))
        if got == initial:
            return _unshared_controlled(got)
        if got != [90, 110, 80, 120]:
            return f"after transfer(0, 1, 10) and transfer(2, 3, 20) the balances are {got!r}"
        if scheduler.triggered and order == ["P1", "P2"]:
            return Finding("transfers on disjoint accounts waited for each other: P2's transfer(2, 3, 20) "
                           "could not finish while P1's transfer(0, 1, 10) was in the middle of its update, "
                           "although they share no account", "use one lock per account (not one lock for the "
                           "whole bank) and take only the locks of src and dst", kind="serialized")
        return None

    scenario = Scenario("Bank([100, 100, 100, 100]); P1: transfer(0, 1, 10), paused right after it "
                        "changes a balance; P2: transfer(2, 3, 20), run while P1 is paused",
                        setup, [first, second], check)
    return [Plan(scenario, [Custom(scheduler, budget=1, shrink=False)], bank_fixes(Bank))]

"""More of the bank's contract under controlled interleavings: a failing transfer beside
succeeding ones, and more than four accounts with three processes, two of whose transfers are
disjoint from the third, at the edges of the amounts (a whole balance, one more than a balance)."""
from __future__ import annotations

from ..controlled import Finding, Plan, controlled
from ..searches import Dpor, Pct, RandomWalk
from .controlled import MONEY_FIX, bank_fixes, transfers_scenario


def _expect(balances, results_wanted):
    def check(got, results):
        if results != results_wanted:
            wrong = [f"P{i} {'raised ValueError' if r == 'ValueError' else 'succeeded'}"
                     for i, (r, w) in enumerate(zip(results, results_wanted), 1) if r != w]
            return Finding(f"{', '.join(wrong)}, but the balances at its start decide it: every process's "
                           f"transfer is decided by the balances it sees under its locks", MONEY_FIX, kind="money")
        if got != balances:
            return Finding(f"after the transfers the balances are {got!r}, expected {balances!r}",
                           MONEY_FIX, kind="money")
        return None
    return check


@controlled("a transfer that fails (insufficient funds) beside two that succeed: no lock is left held, "
            "nothing changes for the failing one (every interleaving, or PCT search)", globals_mode="ids")
def failing_beside_succeeding(Bank):
    initial = [100, 50, 20]
    transfers = [(0, 1, 500), (1, 2, 10), (2, 0, 5)]
    return [Plan(transfers_scenario(Bank, initial, transfers,
                                     _expect([105, 40, 25], ["ValueError", "ok", "ok"]), may_fail=True),
                 [Dpor(budget=400), Pct(21, 150, depth=3)], bank_fixes(Bank))]


@controlled("six accounts, three processes: transfer(0, 4) of a whole balance, transfer(5, 1) beside it, "
            "transfer(2, 3) of one more than a balance (every interleaving)", globals_mode="ids")
def many_accounts_and_edges(Bank):
    initial = [10] * 6
    transfers = [(0, 4, 10), (5, 1, 3), (2, 3, 11)]
    return [Plan(transfers_scenario(Bank, initial, transfers,
                                     _expect([0, 13, 10, 10, 20, 7], ["ok", "ok", "ValueError"]), may_fail=True),
                 [Dpor(), Pct(23, 300, depth=3), RandomWalk(29, 300)], bank_fixes(Bank))]

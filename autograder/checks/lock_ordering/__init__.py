"""The lock-ordering exercise: ``Bank(balances, *, ctx=None)`` with accounts ``0..n-1``;
``transfer(src, dst, amount)`` (atomic; ``ValueError`` for an unknown account, ``amount <= 0``
or insufficient funds, balances unchanged; ``src == dst`` changes nothing), ``balance(i)`` and
``total()`` (a consistent snapshot). One lock per account, taken in one global order:
transfers on disjoint accounts must not wait for each other. Failure classes: deadlock, money
created, lost or overdrawn, the snapshot, the contract."""
from ..classes import Classifier, FailureClass
from ..exercise import Exercise
from .controlled import (cyclic_transfers, disjoint_transfers_in_parallel, no_deadlock_opposite_transfers,
                         no_overdraft_no_lost_update, total_is_a_snapshot)
from .more_controlled import failing_beside_succeeding, many_accounts_and_edges
from .one_process import contract_in_one_process
from .real_processes import shared_across_processes, stress_across_processes

_DEADLOCK = ("deadlock",)
CLASSIFIER = Classifier(
    classes=(FailureClass("deadlock", "no deadlock, whatever the transfers, total() and balance() calls and "
                                      "their order"),
             FailureClass("money", "no money created, lost or overdrawn"),
             FailureClass("snapshot", "total() is a consistent snapshot"),
             FailureClass("contract", "the contract: accounts, amounts, ValueError, disjoint transfers in "
                                      "parallel")),
    covers={"contract_in_one_process": ("contract",),
            "no_deadlock_opposite_transfers": ("deadlock", "money"),
            "no_overdraft_no_lost_update": ("money", "deadlock"),
            "shared_across_processes": ("money", "deadlock"),
            "total_is_a_snapshot": ("snapshot", "deadlock", "money"),
            "disjoint_transfers_in_parallel": ("contract",),
            "cyclic_transfers": ("deadlock", "money"),
            "failing_beside_succeeding": ("money", "deadlock"),
            "many_accounts_and_edges": ("deadlock", "money"),
            "stress_across_processes": ("money", "snapshot", "deadlock")},
    by_kind={"deadlock": _DEADLOCK, "deadlock-cycle": _DEADLOCK, "step-budget": _DEADLOCK, "lost-wakeup": _DEADLOCK,
             "lost-update": ("money",), "check": ("money",), "money": ("money",), "not-shared": ("money",),
             "snapshot": ("snapshot",), "serialized": ("contract",), "exception": ("contract",),
             "unpicklable": ("contract",), "foreign-primitive": ("contract",)},
    late="deadlock", sole=frozenset({"contract_in_one_process"}),
)

EXERCISE = Exercise(
    id="lock_ordering", class_name="Bank",
    signature="Bank(balances, *, ctx=None) with transfer(src, dst, amount), balance(i) and total()",
    required=("balances", "ctx"),
    suites={"visible": [contract_in_one_process, no_deadlock_opposite_transfers, no_overdraft_no_lost_update,
                        shared_across_processes],
            "hidden": [total_is_a_snapshot, disjoint_transfers_in_parallel, cyclic_transfers,
                       failing_beside_succeeding, many_accounts_and_edges,
                       stress_across_processes]},
    classifier=CLASSIFIER,
)

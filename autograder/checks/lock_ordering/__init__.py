"""The lock-ordering exercise: ``Bank(balances, *, ctx=None)`` with accounts ``0..n-1``;
``transfer(src, dst, amount)`` (atomic; ``ValueError`` for an unknown account, ``amount <= 0``
or insufficient funds, balances unchanged; ``src == dst`` changes nothing), ``balance(i)`` and
``total()`` (a consistent snapshot). One lock per account, taken in one global order:
transfers on disjoint accounts must not wait for each other."""
from ..exercise import Exercise
from .controlled import (cyclic_transfers, disjoint_transfers_in_parallel, no_deadlock_opposite_transfers,
                         no_overdraft_no_lost_update, total_is_a_snapshot)
from .one_process import contract_in_one_process
from .real_processes import shared_across_processes, stress_across_processes

EXERCISE = Exercise(
    id="lock_ordering", class_name="Bank",
    signature="Bank(balances, *, ctx=None) with transfer(src, dst, amount), balance(i) and total()",
    required=("balances", "ctx"),
    suites={"visible": [contract_in_one_process, no_deadlock_opposite_transfers, no_overdraft_no_lost_update,
                        shared_across_processes],
            "hidden": [total_is_a_snapshot, disjoint_transfers_in_parallel, cyclic_transfers,
                       stress_across_processes]},
)

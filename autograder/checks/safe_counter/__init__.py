"""The safe-counter exercise: ``SafeCounter(initial=0, *, ctx=None)``, ``increment(n=1)``
for any int ``n``, property ``value``. Failure classes: lost updates, not shared, the contract."""
from ..classes import Classifier, FailureClass
from ..exercise import Exercise
from .controlled import (atomic_under_controlled_interleavings, atomic_with_any_n_under_controlled_interleavings,
                         current_while_incrementing)
from .one_process import counts_in_one_process
from .real_processes import default_context_in_real_processes, shared_across_processes, shared_across_processes_stress

_NOT_SHARED = ("not_shared", "lost_updates")    # a count no other process sees: every update is lost

CLASSIFIER = Classifier(
    classes=(FailureClass("lost_updates", "no update lost or unseen: every increment counts, whole, and value shows the current total"),
             FailureClass("not_shared", "one count shared by every process, under every start method and "
                                        "with ctx=None"),
             FailureClass("contract", "the contract: initial value, increment(n) for any int n, value")),
    covers={"counts_in_one_process": ("contract",),
            "atomic_under_controlled_interleavings": ("lost_updates",),
            "atomic_with_any_n_under_controlled_interleavings": ("lost_updates",),
            "current_while_incrementing": ("lost_updates",),
            "shared_across_processes": ("not_shared", "lost_updates"),
            "shared_across_processes_stress": ("not_shared", "lost_updates"),
            "default_context_in_real_processes": ("not_shared",)},
    by_kind={"lost-update": ("lost_updates",), "check": ("lost_updates",), "stale-read": ("lost_updates",),
             "not-shared": _NOT_SHARED, "unshared-default": ("not_shared",), "unpicklable": ("not_shared",), "foreign-primitive": ("not_shared",),
             # increments that never return count nothing
             "deadlock": ("contract", "lost_updates"), "deadlock-cycle": ("contract", "lost_updates"),
             "step-budget": ("contract", "lost_updates"), "lost-wakeup": ("contract", "lost_updates"),
             "exception": ("contract",)},
    late="contract", sole=frozenset({"counts_in_one_process"}),
)

EXERCISE = Exercise(
    id="safe_counter", class_name="SafeCounter",
    signature="SafeCounter(initial=0, *, ctx=None) with increment(n=1) and a value property",
    required=("initial", "ctx"),
    suites={"visible": [counts_in_one_process, atomic_under_controlled_interleavings, shared_across_processes],
            "hidden": [atomic_with_any_n_under_controlled_interleavings, current_while_incrementing,
                       shared_across_processes_stress, default_context_in_real_processes]},
    classifier=CLASSIFIER,
)

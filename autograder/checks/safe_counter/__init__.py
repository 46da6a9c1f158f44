"""The safe-counter exercise: ``SafeCounter(initial=0, *, ctx=None)``, ``increment(n=1)``
for any int ``n``, property ``value``."""
from ..exercise import Exercise
from .controlled import atomic_under_controlled_interleavings, atomic_with_any_n_under_controlled_interleavings
from .one_process import counts_in_one_process
from .real_processes import shared_across_processes, shared_across_processes_stress

EXERCISE = Exercise(
    id="safe_counter", class_name="SafeCounter",
    signature="SafeCounter(initial=0, *, ctx=None) with increment(n=1) and a value property",
    required=("initial", "ctx"),
    suites={"visible": [counts_in_one_process, atomic_under_controlled_interleavings, shared_across_processes],
            "hidden": [atomic_with_any_n_under_controlled_interleavings, shared_across_processes_stress]},
    # a lost update seen in real processes disproves atomicity, whatever the controlled runs saw
    contradicted_by_evidence={"shared_across_processes": "atomic_under_controlled_interleavings",
                              "shared_across_processes_stress": "atomic_with_any_n_under_controlled_interleavings"},
)

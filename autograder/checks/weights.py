"""What each property is worth: the one table of points (the README shows it).

The property an exercise is named for carries at least half of the exercise's points
(``MAIN``; tests/test_weights.py holds the rule): atomicity for the counter; no lost,
duplicated or stolen items and no deadlock for the queue; no deadlock and money conserved
for the bank (the two deadlock properties alone carry 3.25 of 6). A suite's points add up to its test cell's points in the notebooks
(tests/test_exercise_points.py).

A course can weigh them differently in its nbgrader_config.py, e.g.
``c.Weights.points = {"safe_counter": {"visible": {"counts_in_one_process": 1, ...}}}``
(autograder/instructor/weights.py): the trusted path then scores with those points, and
``make grade`` refuses to start while a test cell's points differ from its suite's.
"""
from __future__ import annotations

import copy

POINTS: dict[str, dict[str, dict[str, float]]] = {
    "safe_counter": {
        "visible": {"counts_in_one_process": 0.5, "atomic_under_controlled_interleavings": 1.5,
                    "shared_across_processes": 1},
        "hidden": {"atomic_with_any_n_under_controlled_interleavings": 1.5,
                   "shared_across_processes_stress": 0.5},
    },
    "bounded_queue": {
        "visible": {"fifo_in_one_process": 0.5, "timeouts_in_one_process": 0.5,
                    "no_lost_wakeups_controlled": 1.5, "shared_across_processes": 0.5},
        "hidden": {"blocks_when_full_or_empty": 0.5, "timeouts_not_restarted": 0.5,
                   "stress_controlled": 1.5, "stress_across_processes": 0.5},
    },
    "lock_ordering": {
        "visible": {"contract_in_one_process": 0.5, "no_deadlock_opposite_transfers": 1.5,
                    "no_overdraft_no_lost_update": 0.75, "shared_across_processes": 0.25},
        "hidden": {"total_is_a_snapshot": 0.5, "disjoint_transfers_in_parallel": 0.25,
                   "cyclic_transfers": 1.75, "stress_across_processes": 0.5},
    },
}

#: the properties each exercise is named for
MAIN: dict[str, tuple[str, ...]] = {
    "safe_counter": ("atomic_under_controlled_interleavings",
                     "atomic_with_any_n_under_controlled_interleavings"),
    "bounded_queue": ("no_lost_wakeups_controlled", "stress_controlled"),
    "lock_ordering": ("no_deadlock_opposite_transfers", "no_overdraft_no_lost_update", "cyclic_transfers"),
}


def with_overrides(overrides: dict | None) -> dict:
    """The table with a course's ``overrides`` (a subset of its shape) applied; ValueError
    naming what does not fit (an unknown exercise, suite or property, points below 0)."""
    table = copy.deepcopy(POINTS)
    for exercise, suites_ in (overrides or {}).items():
        if exercise not in table:
            raise ValueError(f"weights: unknown exercise {exercise!r}; the exercises are {', '.join(table)}")
        if not isinstance(suites_, dict):
            raise ValueError(f"weights for {exercise} must map a suite to {{property: points}}")
        for suite, props in suites_.items():
            if suite not in table[exercise] or not isinstance(props, dict):
                raise ValueError(f"weights: {exercise} has no suite {suite!r}; its suites are "
                                 f"{', '.join(table[exercise])}")
            for prop, points in props.items():
                if prop not in table[exercise][suite]:
                    raise ValueError(f"weights: {exercise} {suite} has no property {prop!r}; its properties "
                                     f"are {', '.join(table[exercise][suite])}")
                if type(points) not in (int, float) or points < 0:
                    raise ValueError(f"weights: {exercise} {suite} {prop} must be a number >= 0, not {points!r}")
                table[exercise][suite][prop] = points
    return table

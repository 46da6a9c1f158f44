"""What each failure class is worth: the one table of points (the README shows it).

Points follow what can go wrong, not which check happened to show it. Each exercise's points
are split into failure classes (checks/classes.py says which failure of which check belongs
to which class); a class's points are split between the exercise's two test cells (visible
and hidden suites). A failure of a class found by any check, in any scenario, visible or
hidden, through any method, costs that class's points in both cells, once: every suite's
job runs every check of the exercise and scores the classes of its own cell.

The classes an exercise is named for carry at least half of its points (``MAIN``;
tests/test_weights.py holds the rule): lost updates for the counter; items lost, duplicated
or stolen for the queue; deadlock for the bank. A suite's points add up to its test cell's
points in the notebooks (tests/test_exercise_points.py).

A course can weigh them differently in its nbgrader_config.py, e.g.
``c.Weights.points = {"lock_ordering": {"visible": {"deadlock": 2, "contract": 0}}}``
(autograder/instructor/weights.py): the trusted path then scores with those points, and
``make grade`` refuses to start while a test cell's points differ from its suite's.
"""
from __future__ import annotations

import copy

POINTS: dict[str, dict[str, dict[str, float]]] = {
    "safe_counter": {
        "visible": {"lost_updates": 1.5, "not_shared": 1, "contract": 0.5},
        "hidden": {"lost_updates": 1.5, "not_shared": 0.5},
    },
    "bounded_queue": {
        "visible": {"items": 1.5, "wakeups": 0.5, "timeouts": 0.5, "contract": 0.5},
        "hidden": {"items": 1.5, "wakeups": 0.5, "blocking": 0.5, "timeouts": 0.5},
    },
    "lock_ordering": {
        "visible": {"deadlock": 1.5, "money": 1, "contract": 0.5},
        "hidden": {"deadlock": 1.5, "money": 0.5, "snapshot": 0.75, "contract": 0.25},
    },
}

#: the failure classes each exercise is named for
MAIN: dict[str, tuple[str, ...]] = {
    "safe_counter": ("lost_updates",),
    "bounded_queue": ("items",),
    "lock_ordering": ("deadlock",),
}


def with_overrides(overrides: dict | None) -> dict:
    """The table with a course's ``overrides`` (a subset of its shape) applied; ValueError
    naming what does not fit (an unknown exercise, suite or failure class, points below 0)."""
    table = copy.deepcopy(POINTS)
    for exercise, suites_ in (overrides or {}).items():
        if exercise not in table:
            raise ValueError(f"weights: unknown exercise {exercise!r}; the exercises are {', '.join(table)}")
        if not isinstance(suites_, dict):
            raise ValueError(f"weights for {exercise} must map a suite to {{failure class: points}}")
        for suite, props in suites_.items():
            if suite not in table[exercise] or not isinstance(props, dict):
                raise ValueError(f"weights: {exercise} has no suite {suite!r}; its suites are "
                                 f"{', '.join(table[exercise])}")
            for prop, points in props.items():
                if prop not in table[exercise][suite]:
                    raise ValueError(f"weights: {exercise} {suite} has no failure class {prop!r}; its classes "
                                     f"are {', '.join(table[exercise][suite])}")
                if type(points) not in (int, float) or points < 0:
                    raise ValueError(f"weights: {exercise} {suite} {prop} must be a number >= 0, not {points!r}")
                table[exercise][suite][prop] = points
    return table

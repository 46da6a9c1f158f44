"""One module per graded exercise: ``load(module)`` picks the class the contract names, and
``SUITES`` maps a test cell's suite name to its ``(property check, points)`` pairs; each check
takes the class and returns a PropertyResult. Points come from one table (weights.py), which
a course may override; a suite's points add up to the points of the test cell that runs it
(tests/test_exercise_points.py checks this against the notebooks)."""
from __future__ import annotations

import importlib

EXERCISES = ("safe_counter", "bounded_queue", "lock_ordering")


def exercise_module(exercise_id: str):
    """The checks module of a graded exercise; ValueError for an unknown one."""
    if exercise_id not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise_id!r}; the graded exercises are {', '.join(EXERCISES)}")
    return importlib.import_module(f"{__name__}.{exercise_id}")


def suite_table(exercise_id: str, suite: str, points: dict | None = None) -> list:
    """``[(property, points), ...]`` of one suite; ValueError if the exercise has no such suite.
    ``points``: a whole table like weights.POINTS (a course's own weights) instead of the default."""
    suites = exercise_module(exercise_id).SUITES
    if suite not in suites:
        raise ValueError(f"{exercise_id} has no {suite!r} suite; choose from {', '.join(suites)}")
    if points is None:
        return suites[suite]
    return [(prop, points[exercise_id][suite][prop.__name__]) for prop, _ in suites[suite]]

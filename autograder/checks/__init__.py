"""What is checked: each graded exercise is a package here (``safe_counter/``,
``bounded_queue/``, ``lock_ordering/``) that declares an :class:`~.exercise.Exercise`; the
rest is what their checks share. Points come from one table (weights.py), which a course may
override; a suite's points add up to the points of the test cell that runs it
(tests/test_exercise_points.py checks this against the notebooks).

An exercise's package is imported only when it is asked for, so that a job of another kind
(a quiz, a notebook) does not import the checks and their engine."""
from __future__ import annotations

import importlib

EXERCISES = ("safe_counter", "bounded_queue", "lock_ordering")


def exercise_for(exercise_id: str):
    """The Exercise of a graded exercise's id; ValueError for an unknown one."""
    if exercise_id not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise_id!r}; the graded exercises are {', '.join(EXERCISES)}")
    return importlib.import_module(f"{__name__}.{exercise_id}").EXERCISE


def suite_table(exercise_id: str, suite: str, points: dict | None = None) -> list:
    """``[(property, points), ...]`` of one suite; ValueError if the exercise has no such suite.
    ``points``: a whole table like weights.POINTS (a course's own weights) instead of the default."""
    return exercise_for(exercise_id).table(suite, points)

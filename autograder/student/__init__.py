"""The student API: everything a notebook calls to check work, in one place.

============================  ==============================================================
``check(exercise, suite)``    a test cell: one suite of an exercise's checks on the answer the
                              ``%%exercise`` cell saved; prints the verdicts, returns partial
                              credit for nbgrader
``check_my_answers()``        every check (visible and hidden) on each exercise answered in this
                              kernel, and each schedule of a "you are the scheduler" puzzle
``check_notebook(path)``      the same verdicts for a notebook file, as the grader reads it
                              (``make selfcheck NB=...``)
``quiz.check(q, answer)``     a quiz answer: why it is right, or a hint
``puzzle.show/run/check``     "you are the scheduler": the flawed class, a replay of a schedule
``replay(exercise, prop)``    the failing run of a controlled check, every step and a picture
``hint(item)``                the next of three hints, each stronger, for an exercise, a puzzle or
                              a quiz question (never an answer)
``step(puzzle_or_exercise)``  be the scheduler by clicking: one button per process, Undo, Reset,
                              each process's line, the shared state and the picture after every
                              step; the schedule so far is a puzzle answer
``puzzle.fix(id, MyClass)``   after a puzzle: every distinct interleaving of your fixed class
``being_graded()``            the one switch: True while the trusted grader runs this notebook
============================  ==============================================================

While the notebook is being graded, every call here only says that the grader decides
(``being_graded``): scores come from the grader's own checks of the submitted file. The root
package (``autograder``) re-exports these names. Everything heavy is imported on use, so that
``import autograder`` stays cheap (every sandboxed job imports it).
"""
from __future__ import annotations

import importlib

from autograder.environment import being_graded, being_validated

__all__ = ["check", "check_my_answers", "check_notebook", "quiz", "puzzle", "replay", "hint", "step",
           "being_graded", "being_validated"]


def check(exercise_id: str, suite: str = "visible", **options) -> float | None:
    """Run one suite of an exercise's checks on your answer (see autograder.student.checking)."""
    from .checking import check as run_check

    return run_check(exercise_id, suite, **options)


def check_my_answers() -> None:
    """Every check (visible and hidden) on each exercise answered in this kernel, and every
    schedule set for a puzzle: the verdicts and points the grader would give. Under nbgrader
    (validate, autograde) it only says so."""
    from .self_check import check_my_answers as run

    run()


def check_notebook(path) -> bool:
    """The verdicts the grader would give a notebook file; True when it would get full marks."""
    from .self_check import check_notebook as run

    return run(path)


def replay(exercise: str, prop: str, **options):
    """The failing run of a controlled property on your answer, step by step, as a list and a
    picture: the call a failed check's feedback ends with (see autograder.student.replay)."""
    from .replay import replay as run

    return run(exercise, prop, **options)


def hint(item: str, level: int | None = None) -> None:
    """Show the next hint for an exercise, puzzle or quiz question (see autograder.student.hints)."""
    from .hints import hint as show

    show(item, level)


def step(target: str | None = None, **options):
    """Step a puzzle, or your own class, one click at a time (see autograder.student.step)."""
    from .step import step as run

    return run(target, **options)


def __getattr__(name: str):
    # quiz and puzzle are modules of their own (quiz.check, puzzle.run, ...), loaded on first use.
    if name in ("quiz", "puzzle"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

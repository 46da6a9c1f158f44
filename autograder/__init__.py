"""The course's grader, in layers that depend only downward (docs/architecture.md):

* ``worker/``: what runs next to student code (the worker host and its workers);
* ``engine/``: the controlled-interleaving engine (simulated primitives, schedulers, DPOR);
* ``judge/``: the judge's side of the split: it reaches the answer only through workers;
* ``checks/``: each graded exercise's checks, real-process runs, reports, the answer-file
  contract, admission's warnings, the quiz keys and the puzzles;
* ``sandbox/``: confinement (bubblewrap, limits, signed replies) and the jobs that run
  notebooks, checks and quiz answers; ``checker.check_answer`` is the one way an answer is
  checked;
* ``instructor/``: the trusted grading path (nbgrader preprocessors), ``make grade`` and
  its one gradebook writer, exports, the Gradescope bundle, the demo, lab and hub;
* ``student/``: everything a notebook calls to check work, re-exported here.

``deadlines``, ``processes``, ``parsing`` and ``environment`` are shared by all. Notebooks
call ``autograder.check(exercise_id, suite)`` and the rest of the student API below;
instructors use ``python -m autograder``.
"""
from autograder.student import (being_graded, check, check_my_answers, check_notebook,  # noqa: F401
                                hint, replay, step)

__all__ = ["check", "check_my_answers", "check_notebook", "quiz", "puzzle", "replay", "hint", "step",
           "being_graded"]

#: the name notebooks released before check_my_answers() existed call
self_check = check_my_answers


def __getattr__(name: str):
    # quiz and puzzle (autograder.student's modules) load on first use: importing them pulls
    # in the engine, which a sandboxed job that runs a notebook never needs.
    if name in ("quiz", "puzzle"):
        import autograder.student

        return getattr(autograder.student, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

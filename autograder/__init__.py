"""The course's grader, in layers that depend only downward:

* ``engine/``: the controlled-interleaving engine (simulated primitives, schedulers, DPOR);
* ``checks/``: each graded exercise's checks, real-process runs, reports, the answer-file
  contract, the admission check, the quiz answers;
* ``sandbox/``: confinement (bubblewrap, limits, signed replies) and the jobs that run
  notebooks, checks and quiz answers; ``checker.check_answer`` is the one way an answer is
  checked;
* ``instructor/``: the trusted grading path (nbgrader preprocessors), ``make grade`` and
  its one gradebook writer, exports, the Gradescope bundle, the demo, lab and hub.

``deadlines`` and ``processes`` are shared by all. Test cells call ``check(exercise_id,
suite)``; instructors use ``python -m autograder``.
"""


def check(exercise_id: str, suite: str = "visible", **options) -> float | None:
    """Run an exercise's checks on the notebook's answer; see autograder.sandbox.checker.check."""
    # Imported on use, so that `import autograder` stays cheap (every sandboxed job imports it).
    from autograder.sandbox.checker import check as run_check

    return run_check(exercise_id, suite, **options)


def self_check() -> None:
    """Run every check (visible and hidden) on each exercise answered in this notebook and
    print the verdicts and points the grader would give (and each "you are the scheduler"
    schedule's verdict). Under nbgrader (validate, autograde) it only says so: the grader
    checks the submitted file itself, and the test cells above have run the visible checks."""
    import os

    from autograder.sandbox.checker import TRUSTED_GRADING_ENV

    if os.environ.get(TRUSTED_GRADING_ENV) or os.environ.get("NBGRADER_EXECUTION"):
        print("self_check: skipped under nbgrader; the grader checks your submitted answers itself")
        return
    from autograder.instructor.selfcheck import self_check as run_self_check

    run_self_check()

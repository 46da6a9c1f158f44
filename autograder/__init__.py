"""The grading engine: exercise checks, real-process and controlled runs, the grading CLI.

Test cells call ``check(exercise_id, suite)``; instructors use ``python -m autograder``.
"""


def check(exercise_id: str, suite: str = "visible", **options) -> float | None:
    """Run an exercise's checks on the notebook's answer; see autograder.checker.check."""
    # Imported on use, so that `import autograder` stays cheap (every sandboxed job imports it).
    from .checker import check as run_check

    return run_check(exercise_id, suite, **options)


def self_check() -> None:
    """Run every check (visible and hidden) on each exercise answered in this notebook and
    print the verdicts and points the grader would give."""
    from .selfcheck import self_check as run_self_check

    run_self_check()

"""``check(exercise, suite)``: what an exercise's test cell calls in a notebook."""
from __future__ import annotations

from autograder.checks import exercise_module
from autograder.checks.answers import answer_path
from autograder.checks.report import CheckFailed
from autograder.environment import being_graded
from autograder.sandbox.checker import CHECK_DEADLINE, check_answer


def check(exercise_id: str, suite: str = "visible", *, deadline: float = CHECK_DEADLINE) -> float | None:
    """Print the verdicts of one suite on the answer the ``%%exercise`` cell saved, and tell
    nbgrader the score.

    All passed: returns None (nbgrader gives the cell full marks). Some passed: returns the
    points earned, which nbgrader takes as the cell's partial credit. None passed: raises
    CheckFailed (0 points). Being graded, the kernel does not check: the grader replaces this
    cell's output with its own verdict, computed from the submitted file."""
    if being_graded():
        print(f"{exercise_id} · {suite} checks: run by the grader on your submitted answer cell")
        return None
    try:
        exercise_module(exercise_id)
        source = answer_path(exercise_id).read_text()
    except (LookupError, ValueError) as exc:
        # Any failure reads as one line: a traceback would show a hidden test's source.
        raise CheckFailed(f"{exercise_id}: {exc}") from None
    report = check_answer(exercise_id, suite, source, deadline=deadline)
    if report.unanswered:
        raise CheckFailed(f"{exercise_id}: {report.problem}")
    print(report.render(detailed=not suite.startswith("hidden")))
    if report.passed:
        return None
    if report.earned > 0:
        return report.earned
    first = report.problem or f"{report.failures()[0].name}: {report.failures()[0].message}"
    raise CheckFailed(f"{exercise_id}: {first}")

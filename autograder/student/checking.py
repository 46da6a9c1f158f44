"""``check(exercise, suite)``: what an exercise's test cell calls in a notebook."""
from __future__ import annotations

from autograder.checks import exercise_for
from autograder.checks.answers import answer_path
from autograder.checks.report import CheckFailed
from autograder.environment import being_graded
from autograder.checks.report import Report
from autograder.sandbox.checker import CHECK_DEADLINE, check_suites

#: exercise -> (the answer text checked, {suite: Report}): the last answer checked in this kernel
_last_checked: dict[str, tuple[str, dict]] = {}


def reports_of(exercise_id: str, source: str, *, deadline: float = CHECK_DEADLINE) -> dict[str, Report]:
    """Every suite's report on the answer text ``source``, from one checks job.

    Every suite's rows come from the same run of every check (checks/classes.py), so while the
    answer is unchanged, the exercise's other test cell and ``check_my_answers()`` reuse that
    run: the same answer gets the same verdicts, at the cost of one run. A run that could not
    check the answer (a problem instead of verdicts) is not kept."""
    known = _last_checked.get(exercise_id)
    if known is not None and known[0] == source:
        return known[1]
    suites = dict.fromkeys(exercise_for(exercise_id).suites)
    reports = check_suites(exercise_id, suites, source, deadline=deadline)
    if not any(report.problem for report in reports.values()):
        _last_checked[exercise_id] = (source, reports)
    return reports


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
        exercise_for(exercise_id)
        source = answer_path(exercise_id).read_text()
    except (LookupError, ValueError) as exc:
        # Any failure reads as one line: a traceback would show a hidden test's source.
        raise CheckFailed(f"{exercise_id}: {exc}") from None
    if suite not in exercise_for(exercise_id).suites:
        raise CheckFailed(f"{exercise_id} has no {suite!r} suite; choose from "
                          f"{', '.join(exercise_for(exercise_id).suites)}")
    report = reports_of(exercise_id, source, deadline=deadline)[suite]
    if report.unanswered:
        raise CheckFailed(f"{exercise_id}: {report.problem}")
    print(report.render(detailed=not suite.startswith("hidden")))
    if report.passed:
        return None
    if report.earned > 0:
        return report.earned
    first = report.problem or f"{report.failures()[0].name}: {report.failures()[0].message}"
    raise CheckFailed(f"{exercise_id}: {first}")

"""Checking one answer: admission, then one suite of checks in a job of its own.

``check_answer`` is the one way an answer is checked, by the grader (in a sandbox) and by a
student's test cell or self-check (in a plain subprocess on their machine): the cell text
passes the static admission check (autograder.checks.admission), runs in a fresh process with a
deadline whose output goes to a log (nbgrader zeroes a test cell that writes to stderr),
and its verdict counts only if it comes back signed, in the suite's exact shape.
"""
from __future__ import annotations

import os

from autograder.checks.admission import AnswerRefused, admit
from autograder.checks import exercise_for, suite_table
from autograder.checks.answers import placeholders
from autograder.checks.report import NOT_ANSWERED, CheckFailed, Report
from . import Sandbox, run_job

CHECK_DEADLINE = float(os.environ.get("AUTOGRADER_CHECK_DEADLINE", 60))
TRUSTED_GRADING_ENV = "AUTOGRADER_TRUSTED_GRADING"   # set in kernels that the grader runs


def check_answer(exercise_id: str, suite: str, cell_source: str, *, sandbox: Sandbox | None = None,
                 deadline: float = CHECK_DEADLINE, table: list | None = None) -> Report:
    """The verdict of ``suite`` on the answer cell text ``cell_source``; always a Report.
    ``table``: the suite's ``(property, points)`` (default: the course's standard points).

    An answer that still has the release notebook's placeholders (``raise
    NotImplementedError()``) and earns nothing is "not answered yet" (one line in feedback);
    a constructor that is still a placeholder is not even run."""
    table = table or suite_table(exercise_id, suite)
    unfinished = placeholders(cell_source)
    if "__init__" in unfinished:
        return Report.not_checked(exercise_id, suite, table, _not_answered(unfinished))
    report = _checked(exercise_id, suite, cell_source, sandbox, deadline, table)
    if unfinished and report.earned == 0:
        return Report.not_checked(exercise_id, suite, table, _not_answered(unfinished))
    return report


def _not_answered(functions: list[str]) -> str:
    names = [f"{name}()" for name in dict.fromkeys(functions)]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (f"{NOT_ANSWERED}: {listed} still raise{'s' if len(names) == 1 else ''} NotImplementedError; "
            f"replace each `raise NotImplementedError()` with your code")


def _checked(exercise_id, suite, cell_source, sandbox, deadline, table) -> Report:
    try:
        admit(exercise_id, cell_source)
    except AnswerRefused as exc:
        return Report.not_checked(exercise_id, suite, table, str(exc))
    except SyntaxError as exc:
        return Report.not_checked(exercise_id, suite, table,
                                  f"your answer cell has a syntax error on line {exc.lineno}: {exc.msg}")
    job = run_job("checks", {"exercise": exercise_id, "suite": suite, "source": cell_source},
                  sandbox=sandbox, deadline=deadline)
    if job.reply is None:
        return Report.not_checked(exercise_id, suite, table, f"the checks {job.problem}")
    try:
        report = Report.from_untrusted(job.reply.get("report"), exercise_id, suite, table)
    except ValueError as exc:
        return Report.not_checked(exercise_id, suite, table, f"the checks' report was rejected: {exc}")
    for result in report.results:
        hit = job.limits.explain(result.message)
        if hit:
            result.message = f"{result.message.rstrip('. ')}: {hit}"
    if report.problem and job.limits.explain(report.problem):
        report.problem = f"{report.problem.rstrip('. ')}: {job.limits.explain(report.problem)}"
    return report


def check(exercise_id: str, suite: str = "visible", *, deadline: float = CHECK_DEADLINE) -> float | None:
    """What a test cell calls: print the verdicts, and tell nbgrader the score.

    All passed: returns None (nbgrader gives the cell full marks). Some passed: returns the
    points earned, which nbgrader takes as the cell's partial credit. None passed: raises
    CheckFailed (0 points). Under grading the grader replaces this cell's output with its
    own verdict, computed from the submitted file, so the kernel does not check again."""
    from autograder.checks.answers import answer_path

    if os.environ.get(TRUSTED_GRADING_ENV):
        print(f"{exercise_id} · {suite} checks: run by the grader on your submitted answer cell")
        return None
    try:
        exercise_for(exercise_id)
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

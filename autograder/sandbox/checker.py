"""Checking one answer: its suites of checks, judged in a job of its own.

``check_suites`` is the one way an answer is checked, by the grader (every suite a notebook's
test cells name, in one job: each suite's rows come from the same run of every check) and,
through ``check_answer`` (one suite), by a student's test cell or self-check
(autograder.student, on their machine). The cell text is read for friendly
warnings first (autograder.checks.admission: advice, never a refusal; a syntax error stops it);
then a judge runs the suite in a fresh process with a deadline (sandbox/job_checks.py): it
never runs the answer itself, but reaches it through workers it starts, confined by
``sandbox`` when grading. Its verdict counts only in the suite's exact shape, with the points
of the grader's table; the judge's output goes to a log (nbgrader zeroes a test cell that
writes to stderr).
"""
from __future__ import annotations


from autograder.checks.admission import lint, notes_text
from autograder.checks import suite_table
from autograder.checks.answers import placeholders
from autograder.checks.report import NOT_ANSWERED, Report
from autograder.checks.settings import Checks
from . import Sandbox, run_job
from .job_quiz import CELL_DEADLINE

#: seconds (of machine share) one answer's checks may take (every suite runs every check, so one
#: suite costs what all of them cost together); grading uses c.TrustedScores.check_deadline.
#: A correct answer's suite takes well under a minute; an answer that polls in a loop makes many
#: more operations, each a round trip to a worker (the judge never runs the answer itself)
CHECK_DEADLINE = 180.0
#: seconds the quiz answers and schedules of one notebook may take (c.TrustedScores.quiz_deadline)
QUIZ_DEADLINE = 60.0


def check_answer(exercise_id: str, suite: str, cell_source: str, *, sandbox: Sandbox | None = None,
                 deadline: float = CHECK_DEADLINE, table: list | None = None,
                 settings: Checks | None = None) -> Report:
    """The verdict of ``suite`` on the answer cell text ``cell_source`` (see check_suites)."""
    return check_suites(exercise_id, {suite: table}, cell_source, sandbox=sandbox, deadline=deadline,
                        settings=settings)[suite]


def check_suites(exercise_id: str, suites: dict, cell_source: str, *, sandbox: Sandbox | None = None,
                 deadline: float = CHECK_DEADLINE, settings: Checks | None = None) -> dict[str, Report]:
    """``{suite: Report}``, always one per suite, on the answer cell text ``cell_source``.
    ``suites``: ``{suite: table}``, a table being the suite's ``(property, points)`` or None
    for the course's standard points; ``settings``: the checks' settings (default: their
    defaults, c.Checks).

    An answer that still has the release notebook's placeholders (``raise
    NotImplementedError()``) and earns nothing is "not answered yet" (one line in feedback);
    a constructor that is still a placeholder is not even run."""
    tables = {suite: table or suite_table(exercise_id, suite) for suite, table in suites.items()}
    unfinished = placeholders(cell_source)
    if "__init__" in unfinished:
        return _not_checked(exercise_id, tables, _not_answered(unfinished))
    reports = _checked(exercise_id, tables, cell_source, sandbox, deadline, settings or Checks())
    if unfinished and all(report.earned == 0 for report in reports.values()):
        return _not_checked(exercise_id, tables, _not_answered(unfinished))
    return reports


def _not_checked(exercise_id: str, tables: dict, problem: str) -> dict[str, Report]:
    """Every suite of ``tables`` not checked, for the same ``problem``."""
    return {suite: Report.not_checked(exercise_id, suite, table, problem) for suite, table in tables.items()}


def _not_answered(functions: list[str]) -> str:
    names = [f"{name}()" for name in dict.fromkeys(functions)]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return (f"{NOT_ANSWERED}: {listed} still raise{'s' if len(names) == 1 else ''} NotImplementedError; "
            f"replace each `raise NotImplementedError()` with your code")


def _checked(exercise_id, tables, cell_source, sandbox, deadline, settings) -> dict[str, Report]:
    def not_checked(problem):
        return _not_checked(exercise_id, tables, problem)

    try:
        notes = notes_text(lint(exercise_id, cell_source))
    except SyntaxError as exc:
        return not_checked(f"your answer cell has a syntax error on line {exc.lineno}: {exc.msg}")
    # The judge runs here, unconfined: it never runs the answer. Only the worker host it starts
    # for the answer is confined by ``sandbox``.
    box = {name: getattr(sandbox, name) for name in sandbox.trait_names(config=True)} if sandbox else None
    job = run_job("checks", {"exercise": exercise_id, "suites": list(tables), "source": cell_source,
                             "settings": settings.to_dict(), "sandbox": box}, sandbox=None, deadline=deadline)
    if job.reply is None:
        return not_checked(f"the checks {job.problem}")
    replies = job.reply.get("reports")
    if not isinstance(replies, dict):
        return not_checked("the checks' report was rejected: the reply has no reports")
    limits = sandbox.limits() if sandbox is not None else job.limits
    reports = {}
    for suite, table in tables.items():
        try:
            report = Report.from_untrusted(replies.get(suite), exercise_id, suite, table)
        except ValueError as exc:
            reports[suite] = Report.not_checked(exercise_id, suite, table, f"the checks' report was rejected: {exc}")
            continue
        for result in report.results:
            hit = limits.explain(result.message)
            if hit:
                result.message = f"{result.message.rstrip('. ')}: {hit}"
        if report.problem and limits.explain(report.problem):
            report.problem = f"{report.problem.rstrip('. ')}: {limits.explain(report.problem)}"
        report.notes = notes
        reports[suite] = report
    return reports


def evaluate_cells(cells: list[dict], *, sandbox: Sandbox | None, deadline: float,
                   cell_deadline: float = CELL_DEADLINE) -> tuple[dict, str | None]:
    """Each answer cell ``{"id", "source", "name"}`` run alone in one quiz job (sandbox/job_quiz.py),
    and the plain value it gave its variable: ``({id: {"value": ...} or {"error": "..."}},
    problem)``. An id missing from the replies has no value because of ``problem``."""
    if not cells:
        return {}, None
    job = run_job("quiz", {"cells": cells, "cell_deadline": cell_deadline}, sandbox=sandbox, deadline=deadline)
    values = (job.reply or {}).get("values")
    if not isinstance(values, dict):
        return {}, job.problem or "the quiz job gave no values"
    replies = {}
    for cell in cells:
        reply = values.get(cell["id"])
        if isinstance(reply, dict) and (set(reply) == {"value"} or
                                        (set(reply) == {"error"} and isinstance(reply["error"], str))):
            replies[cell["id"]] = reply
    return replies, "the quiz job gave no value for it"

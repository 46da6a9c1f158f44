"""A checks job: one suite of one exercise's properties on one answer (inside the sandbox)."""
from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path

from autograder.checks.answers import AnswerError, load_answer
from autograder.checks import exercise_module
from autograder.processes import become_subreaper, kill_tree
from autograder.checks.report import PropertyResult, Report


def run_suite(exercise_id: str, suite: str, answer_path: Path) -> Report:
    exercise = exercise_module(exercise_id)
    table = exercise.SUITES[suite]
    try:
        answer = exercise.load(load_answer(exercise_id, answer_path))
    except AnswerError as exc:
        return Report.not_checked(exercise_id, suite, table, str(exc))
    report = Report(exercise_id, suite)
    for prop, points in table:
        try:
            result = prop(answer)
        except Exception as exc:  # a bug in a check must not read as the student's fault silently
            result = PropertyResult(prop.__name__, False,
                                    f"the check itself failed: {type(exc).__name__}: {exc}")
        result.points, result.id = points, prop.__name__
        report.results.append(result)
    _fail_what_evidence_disproves(report, getattr(exercise, "CONTRADICTED_BY_EVIDENCE", {}))
    return report


def _fail_what_evidence_disproves(report: Report, contradicted: dict[str, str]) -> None:
    """Real-process evidence of a bug also fails the controlled property it disproves."""
    by_id = {r.id: r for r in report.results}
    for real_id, controlled_id in contradicted.items():
        real, controlled = by_id.get(real_id), by_id.get(controlled_id)
        if real and controlled and real.evidence and not real.passed and controlled.passed:
            controlled.passed, controlled.evidence = False, True
            controlled.message = (
                f"the controlled runs found nothing, but real processes did ({real.name}): the "
                f"class behaves differently under the grader's context than under multiprocessing's")
            controlled.fix = ("do the same thing whatever ctx you are given: take your lock on every "
                              "call, do not look at which context you got")


def run(payload: dict) -> dict:
    become_subreaper()     # without a sandbox, so that even children that called setsid() are ours
    with tempfile.TemporaryDirectory(prefix="answer-") as tmp:
        path = Path(tmp) / f"answer_{payload['exercise']}.py"
        path.write_text(payload["source"])
        try:
            report = run_suite(payload["exercise"], payload["suite"], path)
        finally:
            kill_tree(include_my_children=True)
    return {"report": asdict(report)}

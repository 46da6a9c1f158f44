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
    return report


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

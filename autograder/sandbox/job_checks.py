"""A checks job: one suite of one exercise's properties on one answer (inside the sandbox),
with the course's check settings (c.Checks) that the request carries."""
from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path

from autograder.checks import exercise_for
from autograder.checks.answers import AnswerError, load_answer
from autograder.checks.report import Report
from autograder.checks.settings import Checks, use
from autograder.processes import become_subreaper, kill_tree


def run_suite(exercise_id: str, suite: str, answer_path: Path) -> Report:
    exercise = exercise_for(exercise_id)
    try:
        cls = exercise.load(load_answer(exercise_id, answer_path))
    except AnswerError as exc:
        return Report.not_checked(exercise_id, suite, exercise.table(suite), str(exc))
    return exercise.run_suite(suite, cls)


def run(payload: dict) -> dict:
    become_subreaper()     # without a sandbox, so that even children that called setsid() are ours
    with tempfile.TemporaryDirectory(prefix="answer-") as tmp:
        path = Path(tmp) / f"answer_{payload['exercise']}.py"
        path.write_text(payload["source"])
        try:
            with use(Checks(**payload.get("settings", {}))):
                report = run_suite(payload["exercise"], payload["suite"], path)
        finally:
            kill_tree(include_my_children=True)
    return {"report": asdict(report)}

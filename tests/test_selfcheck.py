"""`make selfcheck NB=...`: what the grader would say, before submitting, for every lesson.

Each release notebook answered as its solutions answer it passes (quiz-only lessons too: a
lesson without a graded exercise is not an error); a wrong quiz answer makes it fail, with
the hint in the output."""
from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest

from autograder.instructor.demo import solved
from tests.testkit import REPO

LESSONS = sorted(p.parent.name for p in REPO.glob("release/[0-9][0-9]-*/[0-9][0-9]-*.ipynb"))


def answered(lesson: str, tmp_path):
    path = tmp_path / f"{lesson}.ipynb"
    nb = solved(REPO / "release" / lesson / f"{lesson}.ipynb", REPO / "source" / lesson / f"{lesson}.ipynb")
    nbformat.write(nb, path)
    return path, nb


def selfcheck(path):
    return subprocess.run([sys.executable, "-m", "autograder", "selfcheck", str(path)],
                          capture_output=True, text=True, timeout=1800)


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_correctly_answered_lesson_passes(lesson, tmp_path):
    path, nb = answered(lesson, tmp_path)
    run = selfcheck(path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    quizzes = [c for c in nb.cells if "quiz.check(" in c.source and c.metadata.get("nbgrader", {}).get("grade")]
    assert run.stdout.count("[PASS] quiz ") == len(quizzes)
    schedules = [c for c in nb.cells if "puzzle.check(" in c.source and c.metadata.get("nbgrader", {}).get("grade")]
    assert run.stdout.count("[PASS] schedule ") == len(schedules)
    assert "[FAIL]" not in run.stdout


def test_a_wrong_quiz_answer_fails_with_its_hint(tmp_path):
    path, nb = answered("01-processes", tmp_path)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "processes_selfcheck_1")
    cell.source = 'processes_selfcheck_1 = "z"'
    nbformat.write(nb, path)
    run = selfcheck(path)
    assert run.returncode == 1
    assert "[FAIL] quiz processes_selfcheck_1: not quite ('z'). Hint:" in run.stdout


def test_an_unanswered_release_notebook_says_so(tmp_path):
    run = selfcheck(REPO / "release" / "03-semaphores" / "03-semaphores.ipynb")
    assert run.returncode == 1
    assert "no answer yet" in run.stdout


def test_a_schedule_that_breaks_nothing_fails_and_says_so(tmp_path):
    path, nb = answered("06-deadlock", tmp_path)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "bank_schedule")
    cell.source = "bank_schedule = [2]"
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "lock_ordering"]
    nbformat.write(nb, path)                  # without the exercise's answer cell: quizzes and the schedule only
    run = selfcheck(path)
    assert run.returncode == 1
    assert "[FAIL] schedule bank_schedule: Nothing broke" in run.stdout

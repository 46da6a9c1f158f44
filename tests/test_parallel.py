"""Parallel grading gives exactly what grading one at a time gives.

The same small class (the demo's counter answers, a malformed notebook, and a correct and a
buggy corpus answer to the queue and the bank) is graded with ``--jobs 1`` and with
``--jobs 2``, each in a fresh course: the reports and every cell's score must be identical,
and the progress bar must show done/total and who is being graded.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from testkit import REPO, lesson_cells, survivors

DEMO = REPO / "demo" / "submissions" / "02-locks"
CORPUS = REPO / "tests" / "corpus"
ANSWERS = [("safe_counter", DEMO / f"{name}.py") for name in ("correct", "racy", "deadlock", "setsid-child")] + \
    [(exercise, CORPUS / exercise / name) for exercise, name in
     (("bounded_queue", "good_one_condition.py"), ("bounded_queue", "bad_if_wait.py"),
      ("lock_ordering", "good_sorted_locks.py"), ("lock_ordering", "bad_two_phase.py"))]
SUBMISSIONS = len(ANSWERS) + 1                      # + a malformed notebook
BUDGET = 300 * SUBMISSIONS + 600                    # per-submission deadline x submissions
# The module's one grading run happens in whichever test comes first: every test gets its budget.
pytestmark = pytest.mark.timeout(2 * BUDGET + 120)


def build(course) -> None:
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    for exercise in {e for e, _ in ANSWERS}:
        assignment = f"90-{exercise}"
        (course / "source" / assignment).mkdir(parents=True)
        nbformat.write(lesson_cells(exercise), course / "source" / assignment / f"{assignment}.ipynb")
    for exercise, path in ANSWERS:
        nb = lesson_cells(exercise)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == exercise)
        text = path.read_text()
        cell.source = text if text.startswith("%%") else f"%%exercise {exercise}\n{text}"
        out = course / "submitted" / f"{exercise[:2]}-{path.stem}" / f"90-{exercise}" / f"90-{exercise}.ipynb"
        out.parent.mkdir(parents=True)
        nbformat.write(nb, out)
    broken = course / "submitted" / "sa-malformed" / "90-safe_counter" / "90-safe_counter.ipynb"
    broken.parent.mkdir(parents=True)
    shutil.copyfile(DEMO / "malformed-json.ipynb", broken)


def cell_scores(course) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(s.student.id, a.name, g.name): (g.auto_score, g.max_score)
                for a in gb.assignments for s in a.submissions for nb in s.notebooks for g in nb.grades}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    marker = f"COURSE_TEST_MARKER=parallel-{os.getpid()}"
    key, value = marker.split("=")
    found = {}
    for jobs in (1, 2):
        course = tmp_path_factory.mktemp(f"jobs{jobs}")
        build(course)
        env = {**os.environ, key: value, "COURSE_GRADEBOOK_URL": f"sqlite:///{course / 'gradebook.db'}"}
        run = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course),
                              "--jobs", str(jobs), "--progress"],
                             env=env, capture_output=True, text=True, timeout=BUDGET)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        with open(course / "grading-report.csv") as f:
            report = sorted(csv.DictReader(f), key=lambda row: (row["student"], row["assignment"]))
        found[jobs] = {"course": course, "run": run, "report": report, "cells": cell_scores(course)}
    found["marker"] = marker
    return found


def test_two_jobs_give_the_same_report_as_one(graded):
    assert len(graded[1]["report"]) == SUBMISSIONS
    assert graded[2]["report"] == graded[1]["report"]


def test_two_jobs_give_the_same_score_for_every_cell(graded):
    assert graded[2]["cells"] == graded[1]["cells"]
    assert len(graded[1]["cells"]) > 4 * SUBMISSIONS


def test_the_verdicts_are_the_expected_ones(graded):
    rows = {row["student"]: row for row in graded[2]["report"]}
    for student in ("sa-correct", "bo-good_one_condition", "lo-good_sorted_locks"):
        assert float(rows[student]["score"]) == float(rows[student]["max_score"]) > 0, rows[student]
    for student in ("sa-racy", "sa-deadlock", "sa-setsid-child", "bo-bad_if_wait", "lo-bad_two_phase"):
        assert float(rows[student]["score"]) < float(rows[student]["max_score"]), rows[student]
    assert rows["sa-malformed"]["executed"] == "False" and "not valid notebook JSON" in rows["sa-malformed"]["reason"]


def test_the_progress_bar_shows_done_total_and_who_is_graded(graded):
    err = graded[2]["run"].stderr
    assert f"/{SUBMISSIONS}" in err and "grading" in err and "now: " in err
    assert any(student in err for student in ("sa-correct", "bo-good_one_condition"))


def test_no_process_left_behind(graded):
    assert survivors(graded["marker"]) == []

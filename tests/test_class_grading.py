"""A class graded by `make grade`, two submissions at a time, and the same graded one at a time.

The class: two correct corpus answers per exercise (as unlike as the corpus has), the
cheapest buggy one of each exercise, the demo's counter answers and a malformed notebook, each in a small assignment made of its lesson's
exercise cells (autograder.instructor.demo.exercise_notebook), graded with `--jobs 2`: every correct
answer gets full marks under real `nbgrader autograde`, every buggy one less, and the broken
notebook a reason. Part of the class is graded again with `--jobs 1` in a fresh course: the
reports and every cell's score must be identical. Each run's budget is the per-submission
deadline times its submissions, so a busy machine slows it down without failing it. Every
corpus answer's verdicts are checked directly by tests/test_corpus.py, with the same
``check_answer`` the trusted path calls; this module checks what nbgrader adds.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.testkit import REPO, lesson_cells, survivors

DEMO = REPO / "demo" / "submissions" / "02-locks"
CORPUS = REPO / "tests" / "corpus"
CHEAPEST_BAD = {"safe_counter": "bad_no_lock.py", "bounded_queue": "bad_if_wait.py",
                "lock_ordering": "bad_two_phase.py"}
GOOD = {"safe_counter": ("good_value_own_lock.py", "good_lock_timeout_retry.py"),
        "bounded_queue": ("good_one_condition.py", "good_semaphores.py"),
        "lock_ordering": ("good_sorted_locks.py", "good_rlock_per_account.py")}
CLASS = ([(e, CORPUS / e / name) for e, names in GOOD.items() for name in names] +
         [(e, CORPUS / e / name) for e, name in CHEAPEST_BAD.items()] +
         [("safe_counter", DEMO / f"{name}.py") for name in ("correct", "racy", "setsid-child")])
MALFORMED = "sa-malformed"
ONE_AT_A_TIME = {"sa-correct", "sa-racy", MALFORMED, "bo-bad_if_wait", "lo-good_sorted_locks"}
PER_SUBMISSION = 300
BUDGET = PER_SUBMISSION * (len(CLASS) + 1 + len(ONE_AT_A_TIME)) + 900
# The module's grading runs happen in whichever test comes first: every test gets the budget.
pytestmark = pytest.mark.timeout(BUDGET + 120)


def student_of(exercise: str, path) -> str:
    return f"{exercise[:2]}-{path.stem}"


def build(course, keep=None) -> None:
    """The class (or only the students in ``keep``) as a course folder."""
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    for exercise in CHEAPEST_BAD:
        assignment = f"90-{exercise}"
        (course / "source" / assignment).mkdir(parents=True)
        nbformat.write(lesson_cells(exercise), course / "source" / assignment / f"{assignment}.ipynb")
    for exercise, path in CLASS:
        student = student_of(exercise, path)
        if keep is not None and student not in keep:
            continue
        nb = lesson_cells(exercise)
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == exercise)
        text = path.read_text()
        cell.source = text if text.startswith("%%") else f"%%exercise {exercise}\n{text}"
        out = course / "submitted" / student / f"90-{exercise}" / f"90-{exercise}.ipynb"
        out.parent.mkdir(parents=True)
        nbformat.write(nb, out)
    broken = course / "submitted" / MALFORMED / "90-safe_counter" / "90-safe_counter.ipynb"
    broken.parent.mkdir(parents=True)
    shutil.copyfile(DEMO / "malformed-json.ipynb", broken)


def cell_scores(course) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {(s.student.id, a.name, g.name): (g.auto_score, g.max_score)
                for a in gb.assignments for s in a.submissions for nb in s.notebooks for g in nb.grades}


def grade(course, jobs: int, marker: str):
    key, value = marker.split("=")
    env = {**os.environ, key: value, "COURSE_GRADEBOOK_URL": f"sqlite:///{course / 'gradebook.db'}"}
    submissions = sum(1 for _ in (course / "submitted").glob("*/*"))
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course),
                          "--jobs", str(jobs), "--progress"],
                         env=env, capture_output=True, text=True, timeout=PER_SUBMISSION * submissions + 600)
    # Exit 1: graded, but the malformed notebook was not executed (a problem flag).
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    assert f"! {MALFORMED}/90-safe_counter: not executed" in run.stdout
    with open(course / "grading-report.csv") as f:
        report = {row["student"]: row for row in csv.DictReader(f)}
    return {"course": course, "run": run, "report": report, "cells": cell_scores(course)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    marker = f"COURSE_TEST_MARKER=class-{os.getpid()}"
    both = tmp_path_factory.mktemp("class-jobs2")
    build(both)
    single = tmp_path_factory.mktemp("class-jobs1")
    build(single, keep=ONE_AT_A_TIME)
    return {2: grade(both, 2, marker), 1: grade(single, 1, marker), "marker": marker}


@pytest.mark.parametrize("exercise,path", CLASS, ids=[student_of(e, p) for e, p in CLASS])
def test_verdict_under_nbgrader(graded, exercise, path):
    row = graded[2]["report"][student_of(exercise, path)]
    assert row["executed"] == "True", row["reason"]
    score, max_score = float(row["score"]), float(row["max_score"])
    if path.stem.startswith("good_") or path.stem == "correct":
        assert score == max_score > 0, f"{path.name} is correct but scored {score}/{max_score}: {row['failed_tests']}"
    else:
        assert score < max_score, f"{path.name} is buggy but got full marks"


def test_a_malformed_notebook_gets_0_and_its_reason(graded):
    row = graded[2]["report"][MALFORMED]
    assert row["executed"] == "False" and float(row["score"]) == 0
    assert "not valid notebook JSON" in row["reason"]


def test_one_job_at_a_time_gives_the_same_report_as_two(graded):
    one = graded[1]["report"]
    assert sorted(one) == sorted(ONE_AT_A_TIME)
    assert {s: graded[2]["report"][s] for s in one} == one


def test_one_job_at_a_time_gives_the_same_score_for_every_cell(graded):
    one = graded[1]["cells"]
    assert len(one) == 2 * len(ONE_AT_A_TIME)                 # two test cells per submission
    assert {k: graded[2]["cells"][k] for k in one} == one


def test_the_progress_bar_shows_done_total_and_who_is_graded(graded):
    err = graded[2]["run"].stderr
    total = len(graded[2]["report"])
    assert f"/{total}" in err and "grading" in err and "now: " in err
    assert any(student in err for student in graded[2]["report"])


def test_no_process_left_behind(graded):
    assert survivors(graded["marker"]) == []

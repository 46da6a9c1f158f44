"""The instructor's chain end to end, on the shipped sample submissions (`make demo`).

One demo run (a few minutes: some samples are stopped only by deadlines) backs every test
here: each sample gets the verdict it deserves, none is dropped, feedback hides hidden
tests, grades are exported, and no process survives.
"""
import csv
import os
import subprocess
import sys

import pytest

from testkit import REPO, survivors

SAMPLES = sorted(p.stem for p in (REPO / "demo" / "submissions" / "02-locks").iterdir())


@pytest.fixture(scope="module")
def demo(tmp_path_factory, request):
    scratch = tmp_path_factory.mktemp("demo-course")
    marker = f"COURSE_TEST_MARKER=pipeline-{os.getpid()}"
    key, value = marker.split("=")
    out = subprocess.run([sys.executable, "-m", "autograder", "demo", "--scratch", str(scratch)],
                         env={**os.environ, key: value}, capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stdout + out.stderr
    with open(scratch / "grading-report.csv") as f:
        report = {row["student"]: row for row in csv.DictReader(f)}
    return scratch, out.stdout, report, marker


def test_every_sample_is_graded_none_dropped(demo):
    _, stdout, report, _ = demo
    assert sorted(report) == SAMPLES
    for student in SAMPLES:
        assert student in stdout            # the printed table has a row for everyone


def test_correct_sample_gets_full_marks(demo):
    row = demo[2]["correct"]
    assert row["executed"] == "True"
    assert float(row["score"]) == float(row["max_score"]) > 0


@pytest.mark.parametrize("student", [s for s in SAMPLES if s != "correct"])
def test_every_other_sample_gets_less(demo, student):
    row = demo[2][student]
    assert float(row["score"]) < float(row["max_score"]), row


def test_malformed_notebook_scores_zero_with_a_reason_naming_the_file(demo):
    row = demo[2]["malformed-json"]
    assert row["executed"] == "False"
    assert float(row["score"]) == 0
    assert "submitted/malformed-json/02-locks/02-locks.ipynb is not valid notebook JSON" in row["reason"]
    assert "line" in row["reason"] and "column" in row["reason"]


def test_sigint_ignoring_cell_costs_points_but_the_rest_is_graded(demo):
    scratch = demo[0]
    assert demo[2]["ignores-sigint"]["executed"] == "True"
    autograded = (scratch / "autograded" / "ignores-sigint" / "02-locks" / "02-locks.ipynb").read_text()
    assert "did not stop when interrupted" in autograded
    # The kernel was replaced and the earlier cells re-run, so the later quiz cells still count.
    failed = demo[2]["ignores-sigint"]["failed_tests"].split()
    assert failed and all(name.startswith("safe_counter_test") for name in failed), failed


def test_grades_csv_has_every_student(demo):
    scratch = demo[0]
    with open(scratch / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["student_id"] for r in rows) == SAMPLES


def test_feedback_for_everyone_without_hidden_test_source(demo):
    scratch = demo[0]
    for student in SAMPLES:
        page = (scratch / "feedback" / student / "02-locks" / "02-locks.html").read_text()
        assert "check(&quot;safe_counter&quot;, &quot;hidden&quot;)" not in page
        assert 'check("safe_counter", "hidden")' not in page
        assert "BEGIN HIDDEN TESTS" not in page
    racy = (scratch / "feedback" / "racy" / "02-locks" / "02-locks.html").read_text()
    assert "lost" in racy            # the student is told why: updates were lost


def test_no_process_left_behind(demo):
    assert survivors(demo[3]) == []

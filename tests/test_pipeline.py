"""The instructor's chain end to end, on the shipped sample submissions (`make demo`), with the
gradebook on a real PostgreSQL server (a throwaway one, tests/pgkit.py).

One demo run (a few minutes: some samples are stopped only by deadlines) backs every test
here: each sample gets the verdict it deserves, none is dropped, feedback hides hidden
tests, the grades are really in PostgreSQL (and no SQLite file is written), they export to
CSV, Gradescope and PrairieLearn, and no process survives. (Every other grading test uses
the default SQLite gradebook.)
"""
import csv
import json
import os
import subprocess
import sys

import pytest

from tests.testkit import REPO, survivors

SAMPLES = sorted(p.stem for p in (REPO / "demo" / "submissions" / "02-locks").iterdir())
BUDGET = 300 * len(SAMPLES) + 900     # the per-submission deadline x submissions, plus set-up
# The module's one grading run happens in whichever test comes first: every test gets its budget.
pytestmark = pytest.mark.timeout(BUDGET + 120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, postgres):
    scratch = tmp_path_factory.mktemp("demo-course")
    url = postgres.create_database("demo")
    marker = f"COURSE_TEST_MARKER=pipeline-{os.getpid()}"
    key, value = marker.split("=")
    env = {**os.environ, key: value}
    env.pop("COURSE_GRADEBOOK_URL", None)
    out = subprocess.run([sys.executable, "-m", "autograder", "demo", "--scratch", str(scratch), "--gradebook", url],
                         env=env, capture_output=True, text=True, timeout=BUDGET)
    assert out.returncode == 0, out.stdout + out.stderr
    with open(scratch / "grading-report.csv") as f:
        report = {row["student"]: row for row in csv.DictReader(f)}
    return scratch, out.stdout, report, marker, url


def test_every_sample_is_graded_none_dropped(demo):
    _, stdout, report, _, _ = demo
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


# ---------------------------------------------------------------- exports (same demo run)
SCHEMAS = REPO / "tests" / "schemas"


@pytest.fixture(scope="module")
def exported(demo):
    scratch = demo[0]
    env = {**os.environ, "COURSE_GRADEBOOK_URL": demo[4]}
    found = {}
    for fmt in ("gradescope", "prairielearn"):
        run = subprocess.run([sys.executable, "-m", "autograder", "export", fmt, "--course", str(scratch)],
                             env=env, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout + run.stderr
        found[fmt] = {student: json.loads((scratch / "exports" / fmt / student / "02-locks" / "results.json")
                                          .read_text()) for student in SAMPLES}
    return found


def _validate(fmt: str, results: dict) -> None:
    import jsonschema

    jsonschema.validate(results, json.loads((SCHEMAS / f"{fmt}_results.json").read_text()))


@pytest.mark.parametrize("student", SAMPLES)
def test_gradescope_results_match_the_gradebook(exported, demo, student):
    results = exported["gradescope"][student]
    _validate("gradescope", results)
    row = demo[2][student]
    assert results["score"] == pytest.approx(float(row["score"]))
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    for test in results["tests"]:
        assert test["visibility"] == ("after_published" if "hidden" in test["name"] else "visible")
        assert "BEGIN HIDDEN TESTS" not in test["output"]
    if student == "malformed-json":
        assert results["score"] == 0 and "not valid notebook JSON" in results["output"]
    if student == "racy":
        visible = next(t for t in results["tests"] if t["name"] == "safe_counter_test_visible")
        assert visible["score"] < visible["max_score"] and "lost" in visible["output"]


@pytest.mark.parametrize("student", SAMPLES)
def test_prairielearn_results_match_the_gradebook(exported, demo, student):
    results = exported["prairielearn"][student]
    _validate("prairielearn", results)
    row = demo[2][student]
    assert results["score"] == pytest.approx(float(row["score"]) / float(row["max_score"]))
    assert results["gradable"] == (student != "malformed-json")
    if student == "malformed-json":
        assert results["format_errors"] and "not valid notebook JSON" in results["format_errors"][0]
    else:
        assert sum(t["points"] for t in results["tests"]) == pytest.approx(float(row["score"]))


# ---------------------------------------------------------------- the gradebook server
def test_the_gradebook_is_in_postgres_not_sqlite(demo, postgres):
    scratch = demo[0]
    assert not list(scratch.rglob("*.db")), "the demo wrote a SQLite gradebook anyway"
    with postgres.connect("demo") as conn:
        students = sorted(row[0] for row in conn.execute("SELECT id FROM student"))
        assert students == SAMPLES
        (count,) = conn.execute("SELECT count(*) FROM submitted_assignment").fetchone()
        assert count == len(SAMPLES)


def test_postgres_holds_the_reported_scores(demo):
    from nbgrader.api import Gradebook

    report, url = demo[2], demo[4]
    with Gradebook(url) as gb:
        for student, row in report.items():
            submission = gb.find_submission("02-locks", student)
            assert submission.score == pytest.approx(float(row["score"])), student
            assert submission.max_score == pytest.approx(float(row["max_score"])), student

"""`make demo` with its gradebook on a real PostgreSQL server (a throwaway one, tests/pgkit.py):
every sample gets the same verdict as with the default SQLite gradebook (tests/test_pipeline.py),
and the grades are really in PostgreSQL."""
import csv
import os
import subprocess
import sys

import pytest

from testkit import REPO, survivors

SAMPLES = sorted(p.stem for p in (REPO / "demo" / "submissions" / "02-locks").iterdir())


@pytest.fixture(scope="module")
def pg_demo(postgres, tmp_path_factory):
    url = postgres.create_database("demo")
    scratch = tmp_path_factory.mktemp("pg-demo-course")
    marker = f"COURSE_TEST_MARKER=pg-demo-{os.getpid()}"
    key, value = marker.split("=")
    env = {**os.environ, key: value}
    env.pop("COURSE_GRADEBOOK_URL", None)
    out = subprocess.run([sys.executable, "-m", "autograder", "demo", "--scratch", str(scratch),
                          "--gradebook", url], env=env, capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stdout + out.stderr
    with open(scratch / "grading-report.csv") as f:
        report = {row["student"]: row for row in csv.DictReader(f)}
    return scratch, url, report, marker


def test_the_gradebook_is_in_postgres_not_sqlite(pg_demo, postgres):
    scratch, url, report, _ = pg_demo
    assert not list(scratch.rglob("*.db")), "the demo wrote a SQLite gradebook anyway"
    with postgres.connect("demo") as conn:
        students = sorted(row[0] for row in conn.execute("SELECT id FROM student"))
        assert students == SAMPLES
        (count,) = conn.execute("SELECT count(*) FROM submitted_assignment").fetchone()
        assert count == len(SAMPLES)


def test_same_verdict_per_sample_as_with_sqlite(pg_demo):
    report = pg_demo[2]
    assert sorted(report) == SAMPLES
    correct = report["correct"]
    assert correct["executed"] == "True" and float(correct["score"]) == float(correct["max_score"]) > 0
    for student in SAMPLES:
        if student != "correct":
            assert float(report[student]["score"]) < float(report[student]["max_score"]), report[student]
    malformed = report["malformed-json"]
    assert malformed["executed"] == "False" and float(malformed["score"]) == 0
    assert "submitted/malformed-json/02-locks/02-locks.ipynb is not valid notebook JSON" in malformed["reason"]
    failed = report["ignores-sigint"]["failed_tests"].split()
    assert report["ignores-sigint"]["executed"] == "True"
    assert failed and all(name.startswith("safe_counter_test") for name in failed), failed


def test_postgres_holds_the_reported_scores(pg_demo):
    from nbgrader.api import Gradebook

    _, url, report, _ = pg_demo
    with Gradebook(url) as gb:
        for student, row in report.items():
            submission = gb.find_submission("02-locks", student)
            assert submission.score == pytest.approx(float(row["score"])), student
            assert submission.max_score == pytest.approx(float(row["max_score"])), student


def test_no_process_left_behind(pg_demo):
    assert survivors(pg_demo[3]) == []

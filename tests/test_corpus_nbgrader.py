"""The corpus under real `nbgrader autograde`: every correct answer gets full marks and
every buggy one loses points, when graded inside its lesson notebook like a student's.

All corpus files go through one grading run (one nbgrader autograde per submission).
"""
import csv
import os
import subprocess
import sys

import nbformat
import pytest

from autograder.demo import solved, with_answer
from testkit import REPO

CORPUS = REPO / "tests" / "corpus"


def lesson_of(exercise_id):
    """The source notebook whose answer cell is ``exercise_id``, or None if not written yet."""
    for path in sorted((REPO / "source").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(c.metadata.get("nbgrader", {}).get("grade_id") == exercise_id for c in nb.cells):
            return path.parent.name
    return None


def corpus_files():
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        assignment = lesson_of(folder.name)
        if assignment:
            for f in sorted(folder.glob("*.py")):
                yield folder.name, assignment, f


FILES = list(corpus_files())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("corpus-course")
    env = {**os.environ, "COURSE_GRADEBOOK_URL": f"sqlite:///{course / 'gradebook.db'}",
           "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    subprocess.run(["cp", "-r", str(REPO / "source"), str(course / "source")], check=True)
    for exercise_id, assignment, path in FILES:
        notebook = f"{assignment}/{assignment}.ipynb"
        nb = with_answer(solved(REPO / "release" / notebook, REPO / "source" / notebook), exercise_id,
                         f"%%exercise {exercise_id}\n" + path.read_text())
        out = course / "submitted" / f"{exercise_id}--{path.stem}" / assignment / f"{assignment}.ipynb"
        out.parent.mkdir(parents=True)
        nbformat.write(nb, out)
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course)],
                         env=env, capture_output=True, text=True, timeout=3000)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(course / "grading-report.csv") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


@pytest.mark.parametrize("exercise_id,assignment,path", FILES, ids=[f"{e}/{p.stem}" for e, _, p in FILES])
def test_verdict_under_nbgrader(graded, exercise_id, assignment, path):
    row = graded[f"{exercise_id}--{path.stem}"]
    assert row["executed"] == "True", row["reason"]
    score, max_score = float(row["score"]), float(row["max_score"])
    if path.stem.startswith("good_"):
        assert score == max_score, f"{path.name} is correct but scored {score}/{max_score}: {row['failed_tests']}"
    else:
        assert score < max_score, f"{path.name} is buggy but got full marks"

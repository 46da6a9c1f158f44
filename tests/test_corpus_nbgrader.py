"""The corpus under real `nbgrader autograde`: every correct answer gets full marks and
every buggy one loses points, graded in a kernel exactly as a student's test cells are.

Each exercise gets a scratch assignment made of its lesson's own cells: the first cell
(`import course`, which defines %%exercise), the answer cell and the exercise's test cells,
copied from source/. The rest of the lesson is left out so 60 submissions grade in minutes.
All corpus files go through one `python -m autograder grade` run, two submissions at a time;
its budget is the per-submission deadline times the number of submissions, so a busy
machine slows it down without failing it.
"""
import csv
import os
import subprocess
import sys

import nbformat
import pytest

from testkit import REPO, lesson_cells

CORPUS = REPO / "tests" / "corpus"


EXERCISES = {folder.name: lesson_cells(folder.name)
             for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir())}
FILES = [(e, f) for e, nb in EXERCISES.items() if nb is not None for f in sorted((CORPUS / e).glob("*.py"))]
BUDGET = 300 * len(FILES) + 600
# The module's one grading run happens in whichever test comes first: every test gets its budget.
pytestmark = pytest.mark.timeout(BUDGET + 120)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("corpus-course")
    env = {**os.environ, "COURSE_GRADEBOOK_URL": f"sqlite:///{course / 'gradebook.db'}",
           "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    for exercise_id, nb in EXERCISES.items():
        if nb is not None:
            assignment = f"90-{exercise_id}"
            (course / "source" / assignment).mkdir(parents=True)
            nbformat.write(nb, course / "source" / assignment / f"{assignment}.ipynb")
    for exercise_id, path in FILES:
        assignment = f"90-{exercise_id}"
        nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == exercise_id)
        answer.source = f"%%exercise {exercise_id}\n" + path.read_text()
        out = course / "submitted" / path.stem / assignment / f"{assignment}.ipynb"
        out.parent.mkdir(parents=True)
        nbformat.write(nb, out)
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course), "--jobs", "2"],
                         env=env, capture_output=True, text=True, timeout=BUDGET)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with open(course / "grading-report.csv") as f:
        return {(row["student"], row["assignment"]): row for row in csv.DictReader(f)}


@pytest.mark.parametrize("exercise_id,path", FILES, ids=[f"{e}/{p.stem}" for e, p in FILES])
def test_verdict_under_nbgrader(graded, exercise_id, path):
    row = graded[(path.stem, f"90-{exercise_id}")]
    assert row["executed"] == "True", row["reason"]
    score, max_score = float(row["score"]), float(row["max_score"])
    if path.stem.startswith("good_"):
        assert score == max_score, f"{path.name} is correct but scored {score}/{max_score}: {row['failed_tests']}"
    else:
        assert score < max_score, f"{path.name} is buggy but got full marks"

"""`make solutions`: worked solutions from source/, an explanation after every answer, no hidden
test, a model answer for 08's analysis; git-ignored, and never in release/ or the student lab."""
from __future__ import annotations

import nbformat
import pytest

from autograder.instructor.solutions import HIDDEN_NOTE, explanations, write_solutions
from tests.testkit import REPO

LESSONS = sorted(p.name for p in (REPO / "source").iterdir() if p.is_dir() and p.name[:2].isdigit())


@pytest.fixture(scope="module")
def solutions(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    (course / "source").symlink_to(REPO / "source")
    written = write_solutions(course)
    return {p.stem: nbformat.read(p, as_version=4) for p in written}


def test_one_solutions_notebook_per_lesson(solutions):
    assert sorted(solutions) == LESSONS


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_answer_is_in_place_and_explained_and_nothing_hidden_is(solutions, lesson):
    source = nbformat.read(REPO / "source" / lesson / f"{lesson}.ipynb", as_version=4)
    answers = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"]
    nb = solutions[lesson]
    text = [c.source for c in nb.cells]
    for answer in answers:
        first = answer.source.replace("### BEGIN SOLUTION\n", "").strip().splitlines()[0]
        at = next(i for i, t in enumerate(text) if t.strip().startswith(first) and "YOUR CODE HERE" not in t)
        after = nb.cells[at + 1]
        assert after.cell_type == "markdown" and after.source.startswith(("**Why", "**A model")), \
            f"{lesson}: no explanation after {answer.metadata.nbgrader['grade_id']}"
    joined = "\n".join(text)
    assert "BEGIN SOLUTION" not in joined and "HIDDEN TESTS" not in joined and '"hidden")' not in joined
    assert not any("nbgrader" in c.metadata for c in nb.cells)
    hidden = sum("BEGIN HIDDEN TESTS" in c.source for c in source.cells)
    assert joined.count(HIDDEN_NOTE.strip()) == hidden


def test_the_written_analysis_has_a_model_answer(solutions):
    assert "YOUR ANSWER HERE" not in "\n".join(c.source for c in solutions["08-contention"].cells)
    assert "A model answer" in explanations(REPO)["contention_analysis"]


def test_solutions_stay_out_of_git_and_out_of_release():
    assert "solutions/" in (REPO / ".gitignore").read_text().split()
    assert not list((REPO / "release").rglob("explanations.md"))
    assert not any("Why this works" in c.source for p in (REPO / "release").glob("*/*.ipynb")
                   for c in nbformat.read(p, as_version=4).cells)

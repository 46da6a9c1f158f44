"""release/ is exactly what `nbgrader generate_assignment` makes from source/."""
import os
import subprocess
import sys

import nbformat
import pytest

from tests.testkit import REPO

ASSIGNMENTS = sorted(p.name for p in (REPO / "source").iterdir() if p.is_dir() and p.name[:2].isdigit())


def comparable(path):
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_matches_source(tmp_path, assignment):
    env = {**os.environ, "COURSE_GRADEBOOK_URL": f"sqlite:///{tmp_path / 'gradebook.db'}",
           "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                          f"--CourseDirectory.release_directory={tmp_path / 'release'}"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    for fresh in sorted((tmp_path / "release" / assignment).glob("*.ipynb")):
        committed = REPO / "release" / assignment / fresh.name
        assert committed.exists(), f"{committed} is missing: run `make release` and commit it"
        assert comparable(committed) == comparable(fresh), \
            f"{committed} is out of date with source/: run `make release` and commit it"


def test_source_notebooks_have_no_outputs():
    for path in sorted((REPO / "source").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        dirty = [i for i, c in enumerate(nb.cells)
                 if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not dirty, f"{path} has outputs in cells {dirty}: clear them before committing"


def test_quiz_keys_are_what_make_release_writes_from_source():
    from autograder.instructor import quiz_keys

    stored = quiz_keys.read_keys()
    for question, key in quiz_keys.keys_from_source(REPO).items():
        assert stored.get(question) == key, f"{question}: run `make release` and commit autograder/checks/quiz_keys.json"


def test_every_diagram_in_source_has_its_picture():
    from autograder.instructor import diagrams

    missing = [code.splitlines()[0] for code in diagrams.diagrams_in(REPO).values() if diagrams.picture(code) is None]
    assert not missing, f"diagrams without a picture: {missing}: run `make diagrams` and commit the PNGs"

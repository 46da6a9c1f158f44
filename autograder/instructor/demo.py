"""`make demo`: the whole instructor chain on the sample submissions in demo/, in a scratch
course folder (.demo-course/) so it never touches real grading data.

A sample is either a ``.py`` file, the text of one answer cell (its first line
``%%exercise <id>`` says which cell it replaces in the student notebook), or a ``.ipynb``
file submitted as it is (for broken notebooks).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from .gradebook import GradebookError
from .grading import assignments, grade_course
from .nbgrader_cli import nbgrader

from . import PROJECT


def build_submission(release_nb: Path, source_nb: Path, sample: Path, out: Path) -> None:
    """A student notebook: every answer as in the solutions, but one answer cell is ``sample``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if sample.suffix == ".ipynb":
        shutil.copyfile(sample, out)
        return
    text = sample.read_text()
    exercise_id = text.splitlines()[0].split()[1]
    nbformat.write(with_answer(solved(release_nb, source_nb), exercise_id, text), out)


def solved(release_nb: Path, source_nb: Path):
    """The release notebook as a student who answered everything like the solutions would hand it in."""
    nb = nbformat.read(release_nb, as_version=4)
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source
                 for c in nbformat.read(source_nb, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell.source = solutions[grade_id]
    return nb


def with_answer(nb, exercise_id: str, cell_text: str):
    """``nb`` with the answer cell of ``exercise_id`` holding ``cell_text``."""
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == exercise_id]
    if not cells:
        raise ValueError(f"no answer cell '{exercise_id}' in the notebook")
    cells[0].source = cell_text.rstrip("\n")
    return nb


def exercise_notebook(exercise_id: str, extra_grade_ids=(), source: Path = PROJECT / "source"):
    """A small assignment made of the cells of the lesson that has ``exercise_id``: its first
    code cell (``import course``, which defines %%exercise), the answer cell, the exercise's
    test cells and the cells named in ``extra_grade_ids`` (in lesson order); None if no
    lesson has that exercise. Used to grade many answers to one exercise quickly."""
    for path in sorted(Path(source).glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        ids = [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nb.cells]
        if exercise_id in ids:
            keep = [c for c, grade_id in zip(nb.cells, ids)
                    if grade_id == exercise_id or grade_id.startswith(f"{exercise_id}_test")
                    or grade_id in extra_grade_ids]
            setup = next(c for c in nb.cells if c.cell_type == "code")
            nb.cells = [setup, *keep]
            return nb
    return None


def prepare(course: Path, scratch: Path, db_url: str) -> None:
    """A scratch copy of ``course`` (its source/ and nbgrader_config.py) with the project's
    sample submissions (demo/submissions/) as students' hand-ins."""
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    shutil.copytree(course / "source", scratch / "source")
    shutil.copyfile(course / "nbgrader_config.py", scratch / "nbgrader_config.py")
    for assignment in assignments(scratch):
        samples = PROJECT / "demo" / "submissions" / assignment
        if not samples.is_dir():
            continue
        run = nbgrader(scratch, "generate_assignment", assignment, "--force", f"--CourseDirectory.db_url={db_url}")
        if not run.ok:
            raise GradebookError(f"generate_assignment {assignment} failed: {run.last_error()}")
        for sample in sorted(samples.iterdir()):
            if sample.suffix in (".py", ".ipynb"):
                notebook = f"{assignment}.ipynb"
                build_submission(scratch / "release" / assignment / notebook,
                                 scratch / "source" / assignment / notebook, sample,
                                 scratch / "submitted" / sample.stem / assignment / notebook)


def run_demo(course: Path, scratch: Path, *, jobs: int | None = None, progress: bool | None = None,
             gradebook_url: str | None = None, say=print):
    """Grade the sample submissions in a scratch copy of ``course``. The demo's gradebook is its
    own (a SQLite file in the scratch folder), whatever the course's nbgrader_config.py names,
    unless ``gradebook_url`` names one (`--gradebook URL`, to try a database server)."""
    scratch = Path(scratch).resolve()
    db_url = gradebook_url or f"sqlite:///{scratch / 'gradebook.db'}"
    say(f"Demo course in {scratch}")
    prepare(Path(course).resolve(), scratch, db_url)
    return grade_course(scratch, jobs=jobs, progress=progress, say=say, db_url=db_url)

"""`make demo`: the whole instructor chain on the sample submissions in demo/, in a scratch
course folder (.demo-course/) so it never touches real grading data.

A sample is either a ``.py`` file, the text of one answer cell (its first line
``%%exercise <id>`` says which cell it replaces in the student notebook), or a ``.ipynb``
file submitted as it is (for broken notebooks).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat

from .grading import assignments, grade_course
from .nbgrader_cli import nbgrader

REPO = Path(__file__).resolve().parent.parent


def build_submission(release_nb: Path, sample: Path, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if sample.suffix == ".ipynb":
        shutil.copyfile(sample, out)
        return
    text = sample.read_text()
    exercise_id = text.splitlines()[0].split()[1]
    nb = nbformat.read(release_nb, as_version=4)
    cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == exercise_id]
    if not cells:
        raise SystemExit(f"{sample}: no answer cell '{exercise_id}' in {release_nb}")
    cells[0].source = text.rstrip("\n")
    nbformat.write(nb, out)


def prepare(scratch: Path) -> None:
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    shutil.copytree(REPO / "source", scratch / "source")
    shutil.copyfile(REPO / "nbgrader_config.py", scratch / "nbgrader_config.py")
    for assignment in assignments(scratch):
        samples = REPO / "demo" / "submissions" / assignment
        if not samples.is_dir():
            continue
        run = nbgrader(scratch, "generate_assignment", assignment, "--force", deadline=300)
        if not run.ok:
            raise SystemExit(f"generate_assignment {assignment} failed: {run.last_error()}")
        for sample in sorted(samples.iterdir()):
            if sample.suffix in (".py", ".ipynb"):
                notebook = f"{assignment}.ipynb"
                build_submission(scratch / "release" / assignment / notebook, sample,
                                 scratch / "submitted" / sample.stem / assignment / notebook)


def run_demo(scratch: Path = REPO / ".demo-course", say=print):
    scratch = Path(scratch).resolve()
    # The demo's gradebook is its own, whatever a shared-server URL the environment names.
    os.environ["COURSE_GRADEBOOK_URL"] = f"sqlite:///{scratch / 'gradebook.db'}"
    say(f"Demo course in {scratch}")
    prepare(scratch)
    return grade_course(scratch, say=say)

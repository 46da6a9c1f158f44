"""Grading on Gradescope's machines: the autograder bundle, and what it runs there.

``make gradescope-bundle`` writes ``gradescope-autograder.zip``: Gradescope's two entry points
(``setup.sh``, which installs Python, bubblewrap and this project once per image, and
``run_autograder``, which runs once per submission) plus the course (its code, its
``nbgrader_config.py`` and ``source/``), all at the zip's top level: Gradescope unpacks it
into ``/autograder/source`` and runs ``/autograder/run_autograder``. ``run_autograder`` calls ``run(root)`` below, which
grades the uploaded notebook with exactly the chain ``make grade`` runs, in a scratch course,
and writes ``results/results.json`` in Gradescope's format. ``root`` is ``/autograder`` on
Gradescope; tests pass a temporary folder laid out the same way.

``make gradescope-bundle ASSIGNMENT=02-locks`` builds a bundle for one assignment (its
source/ only, and ``assignment.txt`` naming it): on Gradescope, where each assignment has an
autograder of its own, an upload of another assignment's notebook is refused with a message
instead of being graded as that other assignment.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from . import PROJECT
STUDENT = "student"      # Gradescope grades one submission per container

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder image (Ubuntu).
set -euo pipefail
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap make
python3 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --quiet --upgrade pip
/autograder/venv/bin/python -m pip install --quiet -e /autograder/source
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this once per submission: the upload is in $ROOT/submission, the results go
# to $ROOT/results/results.json. AUTOGRADER_ROOT and AUTOGRADER_PYTHON exist for local tests.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source"
export PYTHONPATH="$ROOT/source${PYTHONPATH:+:$PYTHONPATH}"   # this bundle's code, in every process
exec "$PYTHON" -m autograder gradescope-run --root "$ROOT"
"""

# What the bundle carries: this project's code (course/ and autograder/ as packages) and the
# course's own files.
PROJECT_FILES = ("pyproject.toml", "README.md", "course", "autograder")
COURSE_FILES = ("nbgrader_config.py", "source")


ONLY = "assignment.txt"   # in a one-assignment bundle: the assignment it grades


def build_bundle(course: Path, out: Path, assignment: str | None = None) -> Path:
    """Write the autograder zip Gradescope asks for, for ``course`` (or only its ``assignment``:
    ValueError if the course has no such assignment); returns its path."""
    from .grading import assignments

    out = Path(out)
    course_files = COURSE_FILES
    if assignment is not None:
        if assignment not in assignments(Path(course)):
            raise ValueError(f"the course has no assignment {assignment!r}; it has "
                             f"{', '.join(assignments(Path(course)))}")
        course_files = ("nbgrader_config.py", f"source/{assignment}")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)) + (
                ((ONLY, assignment + "\n"),) if assignment else ()):
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o644 if name == ONLY else 0o755) << 16
            z.writestr(info, text)
        for root, name in [(PROJECT, n) for n in PROJECT_FILES] + [(Path(course), n) for n in course_files]:
            path = root / name
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for f in files:
                if "__pycache__" in f.parts or f.suffix == ".pyc" or ".ipynb_checkpoints" in f.parts:
                    continue
                z.write(f, str(f.relative_to(root)))
    return out


def _assignment_of(submission: Path, source: Path, only: str | None = None) -> tuple[str | None, str]:
    """The assignment whose notebook was uploaded, or (None, why not). A bundle for ``only``
    accepts that assignment's notebook alone."""
    known = sorted(d.name for d in source.iterdir() if d.is_dir() and d.name[:2].isdigit())
    uploaded = sorted(p.name for p in submission.rglob("*.ipynb"))
    if only is not None:
        if f"{only}.ipynb" in uploaded:
            return only, ""
        return None, (f"this autograder grades {only} only: upload {only}.ipynb "
                      f"(found: {', '.join(uploaded) or 'no notebook'})")
    for name in known:
        if f"{name}.ipynb" in uploaded:
            return name, ""
    return None, (f"no notebook of this course was uploaded (found: {', '.join(uploaded) or 'none'}); "
                  f"upload one of: {', '.join(f'{n}.ipynb' for n in known)}")


def run(root: Path, say=print) -> dict:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns the results."""
    from . import exports
    from .grading import grade_course
    from .intake import Intake, copy_folder
    from .settings import gradebook_url
    from autograder.sandbox import SandboxUnavailable, check_available

    root = Path(root)
    (root / "results").mkdir(parents=True, exist_ok=True)
    source = root / "source" / "source"
    only = root / "source" / ONLY
    assignment, why = _assignment_of(root / "submission", source,
                                     only.read_text().strip() if only.exists() else None)
    if assignment is None:
        results = {"score": 0.0, "output": why, "tests": []}
    else:
        with tempfile.TemporaryDirectory(prefix="gradescope-course-") as tmp:
            course = Path(tmp)
            shutil.copyfile(root / "source" / "nbgrader_config.py", course / "nbgrader_config.py")
            shutil.copytree(source / assignment, course / "source" / assignment)
            target = course / "submitted" / STUDENT / assignment
            target.parent.mkdir(parents=True)
            # The upload is the student's: regular files only, no link followed (intake.py).
            copy_folder(root / "submission", target, STUDENT, assignment, Intake())
            try:
                check_available()
                sandbox = True
            except SandboxUnavailable as exc:
                # Gradescope already gives each submission a container of its own.
                say(f"warning: {exc} Grading in this container without bubblewrap.")
                sandbox = False
            grade_course(course, sandbox=sandbox, say=say)
            record = exports.records(course, gradebook_url(course), STUDENT)
            results = exports.gradescope_results(record[0]) if record else \
                {"score": 0.0, "output": "the submission was not graded", "tests": []}
    (root / "results" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return results

"""A notebook job: execute a submitted notebook, as nbgrader would, inside the sandbox.

The submission's folder is bound read-only at /submission; it is copied into the job's
private /tmp so the notebook can write next to itself. The executed notebook goes back to
the grader, which keeps only its outputs (see autograder/instructor/preprocessors/sandboxed_execute.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

SUBMISSION = "/submission"
WORKDIR = "/tmp/work"


def run(payload: dict) -> dict:
    from .execute import RobustExecute

    work = Path(payload.get("workdir") or WORKDIR)
    source = Path(payload.get("submission") or SUBMISSION)
    if source.is_dir():
        shutil.copytree(source, work, dirs_exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    nb = nbformat.reads(payload["notebook"], as_version=4)
    executor = RobustExecute(**payload["execute"])
    try:
        executor.preprocess(nb, {"metadata": {"path": str(work)}})
        problem = ""
    except Exception as exc:   # the kernel could not start, or died and could not be replaced
        problem = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return {"notebook": nbformat.writes(nb), "problem": problem}

"""Helpers the tests share (a uniquely named module: several conftest.py files exist)."""
import os
from pathlib import Path

import nbformat
import psutil

REPO = Path(__file__).resolve().parent.parent


def survivors(marker: str) -> list[str]:
    """Live processes that inherited the environment variable ``marker`` (KEY=VALUE).

    Every descendant inherits it, so even a process that left its session (setsid) and was
    re-parented is recognised."""
    key, value = marker.split("=", 1)
    found = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        if p.pid == os.getpid():
            continue
        try:
            if p.environ().get(key) == value and p.status() != psutil.STATUS_ZOMBIE:
                found.append(f"{p.pid}: {' '.join(p.info['cmdline'] or [])[:120]}")
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


def shm_entries() -> set[str]:
    shm = Path("/dev/shm")
    return {p.name for p in shm.iterdir()} if shm.is_dir() else set()


def mapped_by_anyone(names: set[str]) -> set[str]:
    """Entries of ``names`` that some live process still has mapped (another run's, not a leak)."""
    held = set()
    for p in psutil.process_iter():
        try:
            for m in p.memory_maps(grouped=True):
                if m.path.startswith("/dev/shm/") and m.path[len("/dev/shm/"):] in names:
                    held.add(m.path[len("/dev/shm/"):])
        except (psutil.Error, OSError):
            pass
    return held


def leaked_shm(before: set[str]) -> set[str]:
    """/dev/shm entries created since ``before`` that no live process uses any more."""
    new = shm_entries() - before
    return new - mapped_by_anyone(new)


def lesson_cells(exercise_id: str, extra_grade_ids=()):
    """A small notebook made of the cells of the lesson that has ``exercise_id``: its first code
    cell (``import course``, which defines %%exercise), the answer cell, the exercise's test
    cells and the cells named in ``extra_grade_ids`` (in lesson order), or None."""
    for path in sorted((REPO / "source").glob("*/*.ipynb")):
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

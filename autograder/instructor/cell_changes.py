"""What a student did to the cells they must not change: deleted a test cell, edited a locked one.

nbgrader puts both right while it autograds (``OverwriteCells``: an edited locked cell gets its
source back; with ``c.OverwriteCells.add_missing_cells = True``, set in this course's
nbgrader_config.py, a deleted test cell is added back and graded), but says nothing to the
instructor. This compares the submitted notebook with the student version of the same
notebook (what `nbgrader generate_assignment` gives students: hidden tests already taken
out) and flags each difference; the autograded notebook says whether a cell came back.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from .flags import EDITED, RESTORED, Flag


def _cells(nb) -> dict[str, object]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}


def _locked(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("locked")) or (bool(meta.get("grade")) and not meta.get("solution"))


def _same(a: str, b: str) -> bool:
    return a.strip().replace("\r\n", "\n") == b.strip().replace("\r\n", "\n")


def changed_cells(submitted: Path, student_version: Path, autograded: Path | None = None) -> list[Flag]:
    """Flags for the locked cells of ``student_version`` that ``submitted`` lacks or changed.
    A notebook that cannot be read gives none (it is not executed, which says why)."""
    try:
        mine = _cells(nbformat.read(submitted, as_version=4))
        given = _cells(nbformat.read(student_version, as_version=4))
    except Exception:
        return []
    back = set()
    if autograded is not None and autograded.exists():
        try:
            back = set(_cells(nbformat.read(autograded, as_version=4)))
        except Exception:
            pass
    flags = []
    for grade_id, cell in given.items():
        if not _locked(cell):
            continue
        if grade_id not in mine:
            if cell.metadata["nbgrader"].get("grade"):
                how = "added back and graded" if grade_id in back else "missing, scored 0"
                flags.append(Flag(RESTORED, f"{grade_id} was deleted; {how}"))
        elif not _same(mine[grade_id].source, cell.source):
            flags.append(Flag(EDITED, f"{grade_id} was changed; the original was graded"))
    return flags

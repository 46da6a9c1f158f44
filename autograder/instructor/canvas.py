"""Grades as a CSV that Canvas's gradebook imports (*Grades → Import*).

Canvas's documented import format: the columns ``Student`` ("Last, First"), ``ID`` (Canvas's
user id), ``SIS User ID``, ``SIS Login ID`` and ``Section`` identify a student (Canvas needs
one of name, ID or SIS User ID; the SIS Login ID and Section columns must be there, empty or
not), then one column per assignment, and a ``Points Possible`` row under the header. A
column named ``02-locks`` creates that assignment in Canvas on import; ``02-locks (12345)``
updates Canvas assignment 12345 (``c.CanvasExport.assignment_ids``).

One row per student on the roster, one column per released assignment (roster.py), each
score after the late penalty (grades.py: the same number as grades.csv). An assignment not
submitted, or whose written answer still waits for a grader, gets an empty cell, which
Canvas leaves ungraded.
"""
from __future__ import annotations

from pathlib import Path

from traitlets import Dict, Enum
from traitlets.config import Configurable

from autograder.spreadsheet import SafeWriter

from . import grades
from .roster import Roster

IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


class CanvasExport(Configurable):
    student_id_column = Enum(["SIS Login ID", "SIS User ID"], "SIS Login ID", help=(
        "Which Canvas column holds the nbgrader student id (the hub's user name is usually the "
        "institution's login). A student's Canvas user id, if known, comes from the gradebook's "
        "lms_user_id (nbgrader db student add --lms-user-id).")).tag(config=True)
    assignment_ids = Dict(help=(
        "{assignment: Canvas assignment id}, to update existing Canvas assignments instead of "
        "creating new ones on import, e.g. {\"02-locks\": 12345}.")).tag(config=True)


def column(name: str, settings: CanvasExport) -> str:
    canvas_id = settings.assignment_ids.get(name)
    return f"{name} ({canvas_id})" if canvas_id else name


def write_canvas_csv(path: Path, db_url: str, roster: Roster, settings: CanvasExport | None = None) -> int:
    """Write Canvas's gradebook CSV; returns the number of student rows."""
    settings = settings or CanvasExport()
    names = sorted(roster.assignments)
    found = grades.read(db_url, [(s, a) for s in sorted(roster.students) for a in names])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        w = SafeWriter(f)       # no cell a spreadsheet reads as a formula
        w.writerow(IDENTITY + [column(n, settings) for n in names])
        maxima = [next((found[(s, n)].max_score for s in roster.students), 0.0) for n in names]
        w.writerow(["Points Possible", "", "", "", ""] + [f"{m:g}" for m in maxima])
        for student_id in sorted(roster.students):
            s = roster.students[student_id]
            ids = {"SIS Login ID": "", "SIS User ID": ""}
            ids[settings.student_id_column] = student_id
            cells = []
            for name in names:
                g = found[(student_id, name)]
                cells.append("" if g.status in (grades.NOT_SUBMITTED, grades.MANUAL) else f"{g.score:g}")
            w.writerow([s.name, s.lms_user_id or "", ids["SIS User ID"], ids["SIS Login ID"], ""] + cells)
    return len(roster.students)

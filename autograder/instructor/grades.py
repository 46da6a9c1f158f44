"""The one place a grade's numbers come from: score, late penalty, final score and status.

Every view of a grade reads it here: the ``make grade`` table, ``grades.csv``,
``grading-report.csv``, the Gradescope, PrairieLearn and Canvas exports, the class summary and
the feedback header. The score and the penalty are nbgrader's own, in the gradebook (the
penalty is what ``c.LateSubmissionPlugin.penalty_method`` gave when the submission was
autograded); the final score is ``max(0, score - penalty)``, as nbgrader's CSV export computes it.

``grades.csv`` has a row for every student on the roster and every released assignment (the
gradebook's, roster.py), with a status:

* ``submitted``: graded, on time;
* ``late``: graded, after the due date (with the student's extension): the penalty is applied;
* ``needs manual grading``: a written answer waits for the formgrader; its score is not final;
* ``not submitted``: nothing was handed in (score 0; Canvas gets an empty cell).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from autograder.spreadsheet import write_rows
from .roster import Roster, gradebook

SUBMITTED, LATE, MANUAL, NOT_SUBMITTED = "submitted", "late", "needs manual grading", "not submitted"


@dataclass
class CellGrade:
    name: str              # grade id
    score: float
    max_score: float
    manual: bool           # graded by hand (auto_score None)
    pending: bool          # waits for a grader


@dataclass
class Grade:
    student: str
    assignment: str
    max_score: float
    raw_score: float = 0.0
    penalty: float = 0.0
    submitted: bool = False
    timestamp: dt.datetime | None = None
    duedate: dt.datetime | None = None           # with the student's extension
    seconds_late: float = 0.0
    cells: list[CellGrade] = field(default_factory=list)

    @property
    def score(self) -> float:
        """What the student gets: the score less the late penalty, never below 0."""
        return max(0.0, self.raw_score - self.penalty)

    @property
    def pending(self) -> bool:
        return any(c.pending for c in self.cells)

    @property
    def status(self) -> str:
        if not self.submitted:
            return NOT_SUBMITTED
        if self.pending:
            return MANUAL
        return LATE if self.seconds_late > 0 else SUBMITTED

    @property
    def failed_cells(self) -> tuple[str, ...]:
        """Grade ids of autograded cells that lost points."""
        return tuple(c.name for c in self.cells if not c.manual and c.score < c.max_score)

    @property
    def pending_cells(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.cells if c.pending)

    def late_text(self) -> str:
        """e.g. "2 h 5 min after the due date (2025-10-06 15:00 UTC): -4.5 points"."""
        if self.seconds_late <= 0:
            return ""
        due = f" ({self.duedate:%Y-%m-%d %H:%M} UTC)" if self.duedate else ""
        return f"{duration(self.seconds_late)} after the due date{due}: -{self.penalty:g} points"


def duration(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes or not
             (days or hours) else ""]
    return " ".join(p for p in parts if p)


def is_graded(submission) -> bool:
    """Whether a gradebook submission was ever graded (an extension alone makes an empty one)."""
    return any(g.auto_score is not None or g.manual_score is not None or g.needs_manual_grade
               for nb in submission.notebooks for g in nb.grades)


def _grade_of(sub, assignment, student: str) -> Grade:
    grade = Grade(student, assignment.name, float(assignment.max_score or 0))
    if sub is None or not is_graded(sub):
        grade.duedate = sub.duedate if sub is not None else assignment.duedate
        return grade
    grade.submitted = True
    grade.raw_score = float(sub.score or 0)
    grade.penalty = float(sum(nb.late_submission_penalty or 0 for nb in sub.notebooks))
    grade.timestamp, grade.duedate, grade.seconds_late = sub.timestamp, sub.duedate, sub.total_seconds_late
    for nb in sorted(sub.notebooks, key=lambda n: n.name):
        for g in nb.grades:
            grade.cells.append(CellGrade(g.name, float(g.score or 0), float(g.max_score or 0),
                                         manual=g.auto_score is None,
                                         pending=bool(g.needs_manual_grade) and g.manual_score is None))
    return grade


def read(db_url: str, keys: list[tuple[str, str]] | None = None) -> dict[tuple[str, str], Grade]:
    """``{(student, assignment): Grade}`` for ``keys``, or for every student in the gradebook
    and every assignment in it (the roster times the released assignments)."""
    from nbgrader.api import MissingEntry

    found = {}
    with gradebook(db_url) as gb:
        assignments = {a.name: a for a in gb.assignments}
        if keys is None:
            keys = [(s.id, a) for s in gb.students for a in assignments]
        for student, name in keys:
            assignment = assignments.get(name)
            if assignment is None:
                continue
            try:
                sub = gb.find_submission(name, student)
            except MissingEntry:
                sub = None
            found[(student, name)] = _grade_of(sub, assignment, student)
    return found


GRADES_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score", "status"]


def write_grades_csv(path: Path, db_url: str, roster: Roster) -> int:
    """``grades.csv``: nbgrader's export columns and a status, one row per student on the
    roster and released assignment. Returns the number of rows."""
    grades = read(db_url, [(s, a) for a in sorted(roster.assignments) for s in sorted(roster.students)])
    rows = []
    for (student_id, name), g in grades.items():
        s = roster.students[student_id]
        rows.append([name, g.duedate or "", g.timestamp or "", student_id, s.last_name or "",
                     s.first_name or "", s.email or "", f"{g.raw_score:g}", f"{g.penalty:g}",
                     f"{g.score:g}", f"{g.max_score:g}", g.status])
    with open(path, "w", newline="") as f:
        write_rows(f, GRADES_COLUMNS, rows)      # no cell a spreadsheet reads as a formula
    return len(grades)

"""Who takes the course and what they were given: read from nbgrader's gradebook.

The roster is the gradebook's students: ``nbgrader db student add <id> --first-name ...
--last-name ...`` or ``nbgrader db student import roster.csv`` (columns ``id``,
``first_name``, ``last_name``, ``email``, ``lms_user_id``), or the formgrader's *Manage
Students*. A gradebook with no student at all keeps no roster: grading then adds every
submitter (nbgrader's own default), and from then on they are the roster.

The released assignments are the gradebook's assignments: ``nbgrader db assignment add
02-locks --duedate "2025-10-06 17:00 Europe/Paris"``, the formgrader's *Add new assignment*,
or any assignment `make grade` finds submissions of. `make release` regenerates release/ only
and registers nothing, so a lesson never handed out does not appear in grades.csv. Due dates
live there too; an extension for one student is ``python -m autograder extension``.
"""
from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Student:
    id: str
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    lms_user_id: str | None = None

    @property
    def name(self) -> str:
        """"Last, First" as the formgrader and Canvas show it, or the id when there is no name."""
        parts = [p for p in (self.last_name, self.first_name) if p]
        return ", ".join(parts) if parts else self.id


@dataclass(frozen=True)
class Assignment:
    name: str
    duedate: dt.datetime | None = None       # naive UTC, as nbgrader stores it


@dataclass
class Roster:
    students: dict[str, Student] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    extensions: dict[tuple[str, str], dt.timedelta] = field(default_factory=dict)   # (student, assignment)

    @property
    def kept(self) -> bool:
        """Whether the course keeps a roster at all (some student is in the gradebook)."""
        return bool(self.students)

    def admits(self, student: str) -> bool:
        """Whether grading may write this student's grades into the gradebook."""
        return not self.kept or student in self.students


def gradebook(url: str):
    from nbgrader.api import Gradebook

    return Gradebook(url)


def read(db_url: str) -> Roster:
    """The roster, the released assignments and the extensions in the gradebook at ``db_url``."""
    roster = Roster()
    with gradebook(db_url) as gb:
        for s in gb.students:
            roster.students[s.id] = Student(s.id, s.first_name, s.last_name, s.email, s.lms_user_id)
        for a in gb.assignments:
            roster.assignments[a.name] = Assignment(a.name, a.duedate)
            for sub in a.submissions:
                if sub.extension:
                    roster.extensions[(sub.student.id, a.name)] = sub.extension
    return roster


def add_students(db_url: str, students: list[Student]) -> None:
    """Put these students on the roster, their names included (``nbgrader db student add`` for many)."""
    with gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for s in students:
            gb.update_or_create_student(s.id, first_name=s.first_name, last_name=s.last_name,
                                        email=s.email, lms_user_id=s.lms_user_id)


def grant_extension(db_url: str, student: str, assignment: str, *, hours: float) -> dt.timedelta:
    """Move ``assignment``'s due date ``hours`` later for ``student`` (0 removes an extension).
    nbgrader keeps it on the student's submission, so one is made (empty) if there is none
    yet. ValueError when the student or the assignment is not in the gradebook."""
    from nbgrader.api import MissingEntry

    with gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            gb.find_student(student)
            gb.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(f"{student!r} or {assignment!r} is not in the gradebook: add the student "
                             "(nbgrader db student add) and the assignment (nbgrader db assignment add) "
                             "first") from None
        gb.update_or_create_submission(assignment, student)
        extension = dt.timedelta(hours=hours)
        gb.grant_extension(assignment, student, minutes=extension.total_seconds() / 60)
        return extension

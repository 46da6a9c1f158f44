"""The gradebook's one writer: everything ``make grade`` writes into the course's gradebook.

Submissions are graded side by side, each by its own ``nbgrader autograde`` into a private
SQLite gradebook made from the assignments' structure (so no two processes ever write the
course's gradebook, which may be SQLite or PostgreSQL). The supervisor then copies each
result in, one submission at a time: ``merge_submission`` mirrors what nbgrader's
SaveAutoGrades would have written there.
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from .browser_safety import make_browser_safe, quoted
from .nbgrader_cli import nbgrader

NOT_GRADED = "Not graded: "


class GradebookError(RuntimeError):
    """The assignments could not be registered; the message has nbgrader's reason."""


def _gradebook(url: str):
    from nbgrader.api import Gradebook

    return Gradebook(url)


def register_assignments(course: Path, names: list[str], db_url: str, scratch: Path) -> None:
    """Put the assignments into the gradebook at ``db_url`` (cells, points, hidden tests),
    writing their student versions into ``scratch`` rather than release/."""
    for name in names:
        run = nbgrader(course, "generate_assignment", name, "--force", f"--CourseDirectory.db_url={db_url}",
                       f"--CourseDirectory.release_directory={scratch}")
        if not run.ok:
            raise GradebookError(f"nbgrader generate_assignment {name} failed: {run.last_error()}")


def structure_gradebook(course: Path, names: list[str], db_url: str, folder: Path) -> Path:
    """A SQLite gradebook holding only the assignments (no student, no grade), due dates as
    in the course's gradebook: each grading job starts from a copy of it."""
    path = folder / "structure.db"
    register_assignments(course, names, f"sqlite:///{path}", folder / "release")
    with _gradebook(db_url) as course_gb, _gradebook(f"sqlite:///{path}") as gb:
        for name in names:
            gb.update_or_create_assignment(name, duedate=course_gb.find_assignment(name).duedate)
    return path


def job_gradebook(structure: Path, folder: Path, student: str, assignment: str) -> Path:
    path = folder / f"job-{student}-{assignment}.db"
    shutil.copyfile(structure, path)
    return path


def merge_submission(job_db: Path, db_url: str, assignment: str, student: str) -> None:
    """Copy one graded submission from a job's gradebook into the course's. Manual grades
    already given in the course's gradebook are kept, as nbgrader autograde keeps them."""
    with _gradebook(f"sqlite:///{job_db}") as src, _gradebook(db_url) as dst, warnings.catch_warnings():
        warnings.simplefilter("ignore")      # nbgrader's add_submission: SQLAlchemy autoflush warnings
        graded = src.find_submission(assignment, student)
        dst.update_or_create_student(student)
        dst.update_or_create_submission(assignment, student, timestamp=graded.timestamp)
        for notebook in graded.notebooks:
            target = dst.find_submission_notebook(notebook.name, assignment, student)
            target.late_submission_penalty = notebook.late_submission_penalty
            for grade in notebook.grades:
                mine = dst.find_grade(grade.name, notebook.name, assignment, student)
                mine.auto_score = grade.auto_score
                mine.needs_manual_grade = mine.manual_score is not None or mine.auto_score is None
            for comment in notebook.comments:
                dst.find_comment(comment.name, notebook.name, assignment, student).auto_comment = comment.auto_comment
        dst.db.commit()


def record_not_executed(course: Path, db_url: str, student: str, assignment: str, reason: str,
                        notebooks: list[str], submitted: Path | None = None) -> None:
    """0 points with the reason in the gradebook, and a notebook that feedback can render,
    made from the submission's private copy ``submitted`` (intake.py; nothing is read where
    students hand in) and safe in a browser (browser_safety.py: the reason quotes student text)."""
    with _gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0.0
            for comment in notebook.comments:
                comment.auto_comment = f"{NOT_GRADED}{reason}"
        gb.db.commit()

    out = course / "autograded" / student / assignment
    out.mkdir(parents=True, exist_ok=True)
    for name in notebooks:
        nb = _readable_notebook(submitted / name if submitted else None, course / "release" / assignment / name)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        make_browser_safe(nb)
        nb.cells.insert(0, new_markdown_cell(
            "## This submission could not be graded automatically\n\n" + quoted(reason, "**Reason:**") +
            "\n\nEvery test scored 0. Fix the problem and submit again, or ask your instructor."))
        nbformat.write(nb, out / name)


def _readable_notebook(submitted: Path | None, release: Path):
    for path in (p for p in (submitted, release) if p is not None):
        try:
            return nbformat.read(path, as_version=4)
        except Exception:
            continue
    return nbformat.v4.new_notebook()


def scores(db_url: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[float, float, tuple]]:
    """{(student, assignment): (score, max_score, grade ids of test cells that lost points)}."""
    from nbgrader.api import MissingEntry

    found = {}
    with _gradebook(db_url) as gb:
        for student, assignment in keys:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            failed = tuple(g.name for nb in sub.notebooks for g in nb.grades
                           if g.cell_type == "code" and g.score < g.max_score)
            found[(student, assignment)] = (sub.score, sub.max_score, failed)
    return found


def student_ids(db_url: str) -> list[str]:
    """The ids of every student in the gradebook (to spot a new id that looks like one)."""
    with _gradebook(db_url) as gb:
        return [s.id for s in gb.students]

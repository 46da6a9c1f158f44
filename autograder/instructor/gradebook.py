"""The gradebook's one writer: everything ``make grade`` writes into the course's gradebook.

Submissions are graded side by side, each by its own ``nbgrader autograde`` into a private
SQLite gradebook made from the assignments' structure (so no two processes ever write the
course's gradebook, which may be SQLite or PostgreSQL). The supervisor then copies each
result in, one submission at a time: ``merge_submission`` mirrors what nbgrader's
SaveAutoGrades would have written there.
"""
from __future__ import annotations

import fcntl
import shutil
import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
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


@contextmanager
def exclusive(db_url: str):
    """Only one grading run at a time writes the gradebook's structure or merges into it, also
    across machines (shards): a PostgreSQL advisory lock held on a connection of its own, or a
    file lock beside a SQLite gradebook. Grading itself runs in parallel; only these short
    writes wait for each other."""
    if db_url.startswith("postgresql"):
        import sqlalchemy

        engine = sqlalchemy.create_engine(db_url, poolclass=sqlalchemy.pool.NullPool)
        try:
            with engine.connect() as conn:
                conn.execute(sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
                try:
                    yield
                finally:
                    conn.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
        finally:
            engine.dispose()
        return
    path = Path(db_url.split("sqlite:///", 1)[1] + ".lock") if db_url.startswith("sqlite:///") else None
    if path is None:
        yield
        return
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


_LOCK_KEY = 0x6E626772   # "nbgr": the advisory lock every grading run of a gradebook takes


def register_assignments(course: Path, names: list[str], db_url: str, scratch: Path) -> None:
    """Put the assignments into the gradebook at ``db_url`` (cells, points, hidden tests; a due
    date already there is kept), writing their student versions into ``scratch`` rather than
    release/."""
    with exclusive(db_url):
        for name in names:
            run = nbgrader(course, "generate_assignment", name, "--force", f"--CourseDirectory.db_url={db_url}",
                           f"--CourseDirectory.release_directory={scratch}")
            if not run.ok:
                raise GradebookError(f"nbgrader generate_assignment {name} failed: {run.last_error()}")


def register_with_structure(course: Path, names: list[str], db_url: str, folder: Path) -> Path:
    """Register the assignments in the course's gradebook (student versions in
    ``folder/release``) and build the structure gradebook that each grading job starts from
    (``folder/structure.db``: only the assignments, no student, no grade, due dates as in the
    course's gradebook). The two registrations are independent nbgrader runs (about 2 s per
    assignment each), so they run side by side; returns the structure's path."""
    path = folder / "structure.db"
    with ThreadPoolExecutor(max_workers=2) as pool:
        both = [pool.submit(register_assignments, course, names, db_url, folder / "release"),
                pool.submit(register_assignments, course, names, f"sqlite:///{path}", folder / "structure-release")]
        for done in both:
            done.result()
    with _gradebook(db_url) as course_gb, _gradebook(f"sqlite:///{path}") as gb:
        for name in names:
            gb.update_or_create_assignment(name, duedate=course_gb.find_assignment(name).duedate)
    return path


def job_gradebook(structure: Path, folder: Path, student: str, assignment: str, *,
                  first_name: str | None = None, last_name: str | None = None, extension=None) -> Path:
    """A copy of the structure gradebook with this student (and their extension, so that
    nbgrader's late penalty counts it) in it."""
    path = folder / f"job-{student}-{assignment}.db"
    shutil.copyfile(structure, path)
    with _gradebook(f"sqlite:///{path}") as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gb.update_or_create_student(student, first_name=first_name, last_name=last_name)
        if extension:
            gb.update_or_create_submission(assignment, student, extension=extension)
    return path


def merge_submission(job_db: Path, db_url: str, assignment: str, student: str) -> None:
    """Copy one graded submission from a job's gradebook into the course's. Manual grades
    already given in the course's gradebook are kept, as nbgrader autograde keeps them."""
    with exclusive(db_url), _gradebook(f"sqlite:///{job_db}") as src, _gradebook(db_url) as dst, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")      # nbgrader's add_submission: SQLAlchemy autoflush warnings
        graded = src.find_submission(assignment, student)
        _student(dst, student)
        dst.update_or_create_submission(assignment, student, timestamp=graded.timestamp)
        for notebook in graded.notebooks:
            target = dst.find_submission_notebook(notebook.name, assignment, student)
            target.late_submission_penalty = notebook.late_submission_penalty
            for grade in notebook.grades:
                mine = dst.find_grade(grade.name, notebook.name, assignment, student)
                mine.auto_score = grade.auto_score
                # A hand grade already given stands; an answer nobody graded yet waits for one.
                mine.needs_manual_grade = mine.auto_score is None and mine.manual_score is None
            for comment in notebook.comments:
                dst.find_comment(comment.name, notebook.name, assignment, student).auto_comment = comment.auto_comment
        dst.db.commit()


def record_not_executed(course: Path, db_url: str, student: str, assignment: str, reason: str,
                        notebooks: list[str], submitted: Path | None = None) -> None:
    """0 points with the reason in the gradebook, and a notebook that feedback can render,
    made from the submission's private copy ``submitted`` (intake.py; nothing is read where
    students hand in) and safe in a browser (browser_safety.py: the reason quotes student text)."""
    with exclusive(db_url), _gradebook(db_url) as gb, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _student(gb, student)
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score, grade.needs_manual_grade = 0.0, False
            for comment in notebook.comments:
                # a comment is markdown to the feedback page and the formgrader: the reason
                # quotes student file names, so it goes in as literal text
                comment.auto_comment = f"{NOT_GRADED}\n\n{quoted(reason)}"
        gb.db.commit()

    out = course / "autograded" / student / assignment
    out.mkdir(parents=True, exist_ok=True)
    for name in notebooks:
        nb = _readable_notebook(submitted / name if submitted else None, course / "release" / assignment / name)
        for cell in nb.cells:
            cell.get("metadata", {}).pop("autograder", None)   # the trusted grader's, never the student's
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        make_browser_safe(nb)
        nb.cells.insert(0, new_markdown_cell(
            "## This submission could not be graded automatically\n\n" + quoted(reason, "**Reason:**") +
            "\n\nEvery test scored 0. Fix the problem and submit again, or ask your instructor."))
        nbformat.write(nb, out / name)


def _student(gb, student: str) -> None:
    """The student's gradebook entry, made if missing (names, if any, are kept)."""
    from nbgrader.api import MissingEntry

    try:
        gb.find_student(student)
    except MissingEntry:
        gb.add_student(student)


def _readable_notebook(submitted: Path | None, release: Path):
    for path in (p for p in (submitted, release) if p is not None):
        try:
            return nbformat.read(path, as_version=4)
        except Exception:
            continue
    return nbformat.v4.new_notebook()


def reassess_late_penalties(db_url: str, config, keys: list[tuple[str, str]]) -> None:
    """nbgrader's late plugin decides a penalty from the score at autograding; a grade given by
    hand afterwards changes the score (a "zero" policy would leave the written answer's points).
    So `make feedback` has the course's plugin (``c.AssignLatePenalties.plugin_class``, e.g.
    ``c.LateSubmissionPlugin.penalty_method``) decide again, as AssignLatePenalties does."""
    from nbgrader.api import MissingEntry
    from nbgrader.preprocessors import AssignLatePenalties

    assigner = AssignLatePenalties(config=config)
    assigner.init_plugin()
    with exclusive(db_url), _gradebook(db_url) as gb:
        for student, assignment in keys:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            late = submission.total_seconds_late
            for notebook in submission.notebooks:
                penalty = assigner.plugin_inst.late_submission_penalty(student, notebook.score, late) \
                    if late > 0 else None
                notebook.late_submission_penalty = None if penalty is None else min(max(penalty, 0), notebook.score)
        gb.db.commit()


def student_ids(db_url: str) -> list[str]:
    """The ids of every student in the gradebook (to spot a new id that looks like one)."""
    with _gradebook(db_url) as gb:
        return [s.id for s in gb.students]

"""Feedback pages, one submission at a time: no submission can stop another's feedback.

``nbgrader generate_feedback <assignment>`` renders every student of the assignment in one
process, stops at the first one it cannot render, and shares one deadline between them all
(a notebook that renders slowly used it up for everyone sorted after it). Here each
submission gets its own ``generate_feedback --student <id>`` process, its own deadline
(``c.Grading.command_deadline``), ``jobs`` side by side; a failure or a timeout is that
submission's flag. Student ids are safe names (names.py), so ``--student``, a glob to
nbgrader, matches exactly one student.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .flags import FEEDBACK_FAILED, Flag
from .nbgrader_cli import nbgrader


def feedback_for(course: Path, student: str, assignment: str, *, db_url: str, deadline: float) -> Flag | None:
    """Generate one submission's feedback page; a Flag if it could not be made."""
    try:
        run = nbgrader(course, "generate_feedback", assignment, "--student", student, "--force",
                       f"--CourseDirectory.db_url={db_url}", deadline=deadline)
    except Exception as exc:        # one submission's trouble, never the run's
        return Flag(FEEDBACK_FAILED, f"{type(exc).__name__}: {exc}", student=student, assignment=assignment)
    if run.returncode is None:
        return Flag(FEEDBACK_FAILED, f"rendering took longer than {deadline:.0f} s", student=student,
                    assignment=assignment)
    if not run.ok:
        return Flag(FEEDBACK_FAILED, run.last_error(), student=student, assignment=assignment)
    return None


def feedback_for_each(course: Path, submissions: list[tuple[str, str]], *, db_url: str, deadline: float,
                      jobs: int) -> list[Flag]:
    """Feedback for every (student, assignment), ``jobs`` at a time; the flags of those that failed."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        found = pool.map(lambda sa: feedback_for(course, *sa, db_url=db_url, deadline=deadline), submissions)
        return [flag for flag in found if flag is not None]

"""Feedback pages: generated only for grades that are final.

A submission with a written answer still to grade gets no feedback page (and an old one is
removed), so *Release Feedback* cannot hand out "0 / 2" by mistake; once the answers are
graded in the formgrader, ``make feedback`` generates the pages that are now ready. Pages of
submissions that this run did not grade are left as they are.

The page itself is nbgrader's, with the course's template and preprocessors
(``c.GenerateFeedback.preprocessors`` and ``c.HTMLExporter`` in nbgrader_config.py): a
header that says why points were lost (each test cell by what it checks, the late penalty),
lines that wrap, and the lessons' diagrams as pictures (made at release time).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .grades import Grade
from .nbgrader_cli import nbgrader


TEMPLATES = Path(__file__).with_name("templates")


def feedback_templates() -> list[str]:
    """``c.HTMLExporter.extra_template_basedirs`` for the course's feedback template
    (templates/course_feedback/, ``c.HTMLExporter.template_name``), which builds on nbgrader's."""
    import nbgrader

    return [str(TEMPLATES), str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")]


def feedback_folder(course: Path, student: str, assignment: str) -> Path:
    return course / "feedback" / student / assignment


def generate(course: Path, grades: list[Grade], *, db_url: str, deadline: float, say=print) -> list[Grade]:
    """Feedback for every grade in ``grades`` that is final; pages of the others are removed.
    One ``nbgrader generate_feedback`` per assignment, every other student excluded. Returns
    the grades that got a page."""
    ready = [g for g in grades if g.submitted and not g.pending]
    for g in grades:
        if g.submitted and g.pending:
            shutil.rmtree(feedback_folder(course, g.student, g.assignment), ignore_errors=True)
    done = []
    for assignment in sorted({g.assignment for g in ready}):
        mine = {g.student for g in ready if g.assignment == assignment}
        autograded = course / "autograded"
        others = sorted(p.parent.name for p in autograded.glob(f"*/{assignment}")
                        if p.is_dir() and p.parent.name not in mine)
        exclude = [f"--CourseDirectory.student_id_exclude={','.join(others)}"] if others else []
        run = nbgrader(course, "generate_feedback", assignment, "--force", f"--CourseDirectory.db_url={db_url}",
                       *exclude, deadline=deadline)
        if not run.ok:
            say(f"warning: generate_feedback {assignment} failed: {run.last_error()}")
            continue
        done += [g for g in ready if g.assignment == assignment]
    return done

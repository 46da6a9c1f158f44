"""Feedback pages: generated only for grades that are final.

A submission with a written answer still to grade gets no feedback page (and an old one is
removed), so *Release Feedback* cannot hand out "0 / 2" by mistake; once the answers are
graded in the formgrader, ``make feedback`` generates the pages that are now ready. Pages of
submissions that this run did not grade are left as they are. Each page is made by its own
process with its own deadline (feedback_jobs.py): a page that cannot be made is that
submission's flag and never stops another's.

The page itself is nbgrader's, with the course's template and preprocessors
(``c.GenerateFeedback.preprocessors`` and ``c.HTMLExporter`` in nbgrader_config.py): a
header that says why points were lost (each test cell by what it checks, the late penalty),
lines that wrap, and the lessons' diagrams as pictures (made at release time).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .feedback_jobs import feedback_for_each
from .flags import Flag
from .grades import Grade


TEMPLATES = Path(__file__).with_name("templates")


def feedback_templates() -> list[str]:
    """``c.HTMLExporter.extra_template_basedirs`` for the course's feedback template
    (templates/course_feedback/, ``c.HTMLExporter.template_name``), which builds on nbgrader's."""
    import nbgrader

    return [str(TEMPLATES), str(Path(nbgrader.__file__).parent / "server_extensions" / "formgrader" / "templates")]


def feedback_folder(course: Path, student: str, assignment: str) -> Path:
    return course / "feedback" / student / assignment


def generate(course: Path, grades: list[Grade], *, db_url: str, deadline: float,
             jobs: int = 1) -> tuple[list[Grade], list[Flag]]:
    """Feedback for every grade in ``grades`` that is final (``jobs`` pages at a time, each
    within ``deadline``); pages of the others are removed. Returns the grades that got a page
    and a flag for each page that could not be made."""
    ready = [g for g in grades if g.submitted and not g.pending]
    for g in grades:
        if g.submitted and g.pending:
            shutil.rmtree(feedback_folder(course, g.student, g.assignment), ignore_errors=True)
    failed = feedback_for_each(course, [(g.student, g.assignment) for g in ready], db_url=db_url,
                               deadline=deadline, jobs=jobs)
    missing = {(f.student, f.assignment) for f in failed}
    return [g for g in ready if (g.student, g.assignment) not in missing], failed

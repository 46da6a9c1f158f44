"""`make release`: regenerate release/ (the student notebooks) from source/ with nbgrader, write
the quiz keys from source/ (quiz_keys.py) and draw any new diagram (diagrams.py).

It registers nothing in the course's gradebook (nbgrader writes into a scratch one): handing
an assignment to a class is ``nbgrader db assignment add NAME --duedate ...`` (or the
formgrader), so a lesson never handed out never appears in grades.csv.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from . import diagrams, quiz_keys
from .grading import assignments
from .nbgrader_cli import nbgrader


def release(course: Path, names: list[str] | None = None, say=print) -> bool:
    """Raises UngradableCell for a quiz answer cell it cannot read, DiagramsUnavailable when a
    new diagram needs drawing and mermaid or Chromium is missing."""
    course = Path(course).resolve()
    names = names or assignments(course)
    ok = True
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        for name in names:
            run = nbgrader(course, "generate_assignment", name, "--force",
                           f"--CourseDirectory.db_url=sqlite:///{Path(tmp) / 'scratch.db'}")
            say(f"release/{name}: " + ("regenerated" if run.ok else f"FAILED: {run.last_error()}"))
            ok &= run.ok
    keys = quiz_keys.write(course)
    say(f"quiz keys: {len(keys)} question(s) from source/ in {quiz_keys.KEYS}")
    drawn = diagrams.draw_missing(course)
    if drawn:
        say(f"diagrams: {len(drawn)} new picture(s) in {diagrams.PICTURES}")
    return ok

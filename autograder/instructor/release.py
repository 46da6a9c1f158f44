"""`make release`: regenerate release/ (the student notebooks) from source/ with nbgrader."""
from __future__ import annotations

from pathlib import Path

from .grading import assignments
from .nbgrader_cli import nbgrader


def release(course: Path, names: list[str] | None = None, say=print) -> bool:
    names = names or assignments(course)
    ok = True
    for name in names:
        run = nbgrader(course, "generate_assignment", name, "--force")
        say(f"release/{name}: " + ("regenerated" if run.ok else f"FAILED: {run.last_error()}"))
        ok &= run.ok
    return ok

"""`make solutions`: worked solutions, written from source/ into solutions/NN-topic.ipynb.

Each solutions notebook is its source notebook with the solutions in place (nbgrader's
``### BEGIN/END SOLUTION`` markers dropped), a markdown cell after every answer cell that
explains it (``source/explanations.md``, one section per ``grade_id``; a quiz question
without one gets the explanation its right answer prints), the model answer of a written
question (08's analysis) in place of "YOUR ANSWER HERE", and no hidden test (each hidden
region becomes one comment). nbgrader's metadata is dropped: it is a plain notebook to read
and run, not an assignment.

``solutions/`` is git-ignored and never inside release/, so the lab (`make lab`, at
release/) does not show it. When and how to hand it out: docs/solutions.md.
"""
from __future__ import annotations

import re
from pathlib import Path

__all__ = ["write_solutions", "solution_notebook", "explanations", "FOLDER"]

FOLDER = "solutions"
EXPLANATIONS = "explanations.md"
_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.M | re.S)
_HEADING = re.compile(r"^## ([A-Za-z0-9_]+)[ \t]*$", re.M)
HIDDEN_NOTE = "# (the hidden checks run when the notebook is graded)\n"


def explanations(course: Path) -> dict[str, str]:
    """``{grade_id: markdown}`` from ``source/explanations.md`` (empty if there is none)."""
    path = Path(course) / "source" / EXPLANATIONS
    if not path.exists():
        return {}
    text = path.read_text()
    found = {}
    headings = list(_HEADING.finditer(text))
    for k, heading in enumerate(headings):
        end = headings[k + 1].start() if k + 1 < len(headings) else len(text)
        found[heading.group(1)] = text[heading.end():end].strip()
    return found


def _quiz_explanation(grade_id: str) -> str | None:
    from autograder.checks.quizzes import QUESTIONS

    if grade_id not in QUESTIONS:
        return None
    return f"**Why.** {QUESTIONS[grade_id][1]}"


def solution_notebook(source_path: Path, explained: dict[str, str]):
    """The solutions notebook (an nbformat node) made from one source notebook."""
    import nbformat
    from nbformat.v4 import new_markdown_cell

    nb = nbformat.read(source_path, as_version=4)
    name = Path(source_path).stem
    cells = [new_markdown_cell(
        f"# Worked solutions: {name}\n\nGenerated from the instructor's notebook by `make solutions`. "
        f"Each answer is followed by why it works. Try the exercises yourself first: a solution read "
        f"before you have struggled with the problem teaches much less.")]
    for cell in nb.cells:
        meta = cell.metadata.pop("nbgrader", {})
        cell.source = _HIDDEN.sub(HIDDEN_NOTE, _MARKERS.sub("", cell.source))
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        grade_id = meta.get("grade_id", "")
        if meta.get("solution") and cell.cell_type == "markdown":
            cell.source = explained.get(grade_id, cell.source)     # a written answer: the model answer
            cells.append(cell)
            continue
        cells.append(cell)
        if meta.get("solution") and cell.cell_type == "code":
            text = explained.get(grade_id) or _quiz_explanation(grade_id)
            if text:
                cells.append(new_markdown_cell(text))
    nb.cells = cells
    return nb


def write_solutions(course: Path, assignments=()) -> list[Path]:
    """Write ``solutions/NN-topic.ipynb`` for each assignment (all of them by default)."""
    import nbformat

    course = Path(course)
    names = list(assignments) or sorted(p.name for p in (course / "source").iterdir()
                                        if p.is_dir() and p.name[:2].isdigit())
    explained = explanations(course)
    out = course / FOLDER
    out.mkdir(exist_ok=True)
    written = []
    for name in names:
        source = course / "source" / name / f"{name}.ipynb"
        if not source.exists():
            raise FileNotFoundError(f"{source} does not exist")
        path = out / f"{name}.ipynb"
        nbformat.write(solution_notebook(source, explained), path)
        written.append(path)
    return written

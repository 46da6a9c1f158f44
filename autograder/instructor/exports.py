"""Grades out of the gradebook, in the result formats of Gradescope and PrairieLearn.

Both come from the same record: the gradebook's score of every graded cell of a submission,
and the verdict text that the trusted grader wrote as that test cell's output in the
autograded notebook (for a hidden suite, its one-line form). The total is grades.py's: the
late penalty applied as everywhere else, and said why. Nothing here runs student code.
Canvas's gradebook CSV is canvas.py.

* Gradescope (autograder ``results.json``): ``score``, ``tests[]`` with ``name``, ``score``,
  ``max_score``, ``output``, ``visibility`` (``after_published`` for hidden suites).
* PrairieLearn (external grading ``results.json``): ``gradable``, ``score`` in 0..1,
  ``format_errors``, ``tests[]`` with ``name``, ``points``, ``max_points``, ``message``,
  ``output``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import grades as gradebook_grades
from .browser_safety import unquoted

NOT_GRADED = "Not graded: "


@dataclass
class CellResult:
    name: str             # the cell's grade_id, e.g. safe_counter_test_hidden
    score: float
    max_score: float
    output: str           # what the student is shown for it
    hidden: bool          # a hidden suite: details after the grades are published
    manual: bool          # graded by hand (an open answer)


@dataclass
class SubmissionRecord:
    student: str
    assignment: str
    cells: list[CellResult] = field(default_factory=list)
    not_graded: str = ""  # why the submission could not be run at all, or ""
    penalty: float = 0.0  # the late penalty (grades.py), already taken off ``score``
    late: str = ""        # why: "2 h after the due date (...): -4.5 points", or ""
    pending: bool = False  # a written answer still waits for a grader

    @property
    def score(self) -> float:
        """What the student gets: the cells' points less the late penalty (grades.Grade.score)."""
        return max(0.0, sum(c.score for c in self.cells) - self.penalty)

    @property
    def max_score(self) -> float:
        return sum(c.max_score for c in self.cells)

    def notes(self) -> str:
        """What the platform shows above the tests: why it was not graded, the late penalty,
        a written answer still to grade."""
        notes = [f"This submission could not be graded: {self.not_graded}" if self.not_graded else "",
                 f"Late: submitted {self.late}." if self.late else "",
                 "A written answer is still to be graded by your instructor." if self.pending else ""]
        return "\n".join(n for n in notes if n)


def _outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif out.get("output_type") == "error":
            parts.append(f"{out.get('ename', 'Error')}: {out.get('evalue', '')}")
        elif out.get("output_type") in ("execute_result", "display_data"):
            parts.append(out.get("data", {}).get("text/plain", ""))
    return "\n".join(p.rstrip("\n") for p in parts if p).strip()


def _cell_outputs(course: Path, student: str, assignment: str, notebook: str) -> dict[str, str]:
    path = course / "autograded" / student / assignment / f"{notebook}.ipynb"
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return {}
    return {c.metadata.get("nbgrader", {}).get("grade_id"): _outputs_text(c) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def records(course: Path, db_url: str, student: str | None = None) -> list[SubmissionRecord]:
    """Every graded submission in the gradebook (or one student's), in a fixed order."""
    from nbgrader.api import Gradebook

    found = []
    with Gradebook(db_url) as gb:
        for assignment in sorted(gb.assignments, key=lambda a: a.name):
            for sub in sorted(assignment.submissions, key=lambda s: s.student.id):
                if student is not None and sub.student.id != student or not gradebook_grades.is_graded(sub):
                    continue
                record = SubmissionRecord(sub.student.id, assignment.name)
                for nb in sorted(sub.notebooks, key=lambda n: n.name):
                    outputs = _cell_outputs(course, record.student, record.assignment, nb.name)
                    comments = [c.auto_comment for c in nb.comments if c.auto_comment]
                    record.not_graded = record.not_graded or next(
                        (unquoted(c[len(NOT_GRADED):].strip()) for c in comments if c.startswith(NOT_GRADED)), "")
                    order = list(outputs)      # the graded cells, in notebook order
                    for grade in sorted(nb.grades, key=lambda g: (order.index(g.name) if g.name in order
                                                                  else len(order), g.name)):
                        manual = grade.auto_score is None
                        output = outputs.get(grade.name, "")
                        if manual:
                            output = output or "graded by your instructor"
                        record.cells.append(CellResult(
                            grade.name, float(grade.score or 0), float(grade.max_score or 0), output,
                            hidden="hidden" in grade.name, manual=manual))
                found.append(record)
    final = gradebook_grades.read(db_url, [(r.student, r.assignment) for r in found])
    for record in found:
        grade = final[(record.student, record.assignment)]
        record.penalty, record.late, record.pending = grade.penalty, grade.late_text(), grade.pending
    return found


def gradescope_results(record: SubmissionRecord) -> dict:
    tests = [{"name": c.name, "score": c.score, "max_score": c.max_score, "output": c.output,
              "visibility": "after_published" if c.hidden else "visible"} for c in record.cells]
    result = {"score": record.score, "tests": tests, "visibility": "visible",
              "stdout_visibility": "hidden"}
    if record.notes():
        result["output"] = record.notes()
    return result


def prairielearn_results(record: SubmissionRecord) -> dict:
    tests = [{"name": c.name, "points": c.score, "max_points": c.max_score,
              "message": c.output.splitlines()[0] if c.output else "", "output": c.output}
             for c in record.cells]
    gradable = not record.not_graded
    return {"gradable": gradable, "score": (record.score / record.max_score) if record.max_score else 0.0,
            "format_errors": [] if gradable else [record.not_graded],
            "message": record.notes(),
            "tests": tests}


FORMATS = {"gradescope": gradescope_results, "prairielearn": prairielearn_results}


def export(course: Path, fmt: str, *, db_url: str, out: Path | None = None,
           student: str | None = None) -> list[Path]:
    """Write ``<out>/<student>/<assignment>/results.json`` for every graded submission."""
    convert = FORMATS[fmt]
    out = Path(out or course / "exports" / fmt)
    written = []
    for record in records(course, db_url, student):
        path = out / record.student / record.assignment / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(convert(record), indent=2) + "\n")
        written.append(path)
    return written

"""``FeedbackPage``: what the feedback template (templates/course_feedback/) needs to say why
points were lost, in ``nbgrader generate_feedback`` after nbgrader's ``GetGrades``.

* each graded cell gets a title that says what it checks (``metadata.autograder.title``:
  "hidden checks of your SafeCounter", "quiz question locks_selfcheck_2", "written answer"),
  which the page's summary lists instead of nbgrader's "Test cell";
* the late penalty gets its reason (``resources["course_feedback"]["late"]``: how late, after
  which due date, how many points), from the same numbers as every other view (grades.py);
* the lesson's mermaid diagrams become their pictures (diagrams.py), not source text.
"""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from .. import diagrams, grades
from ..test_cells import CheckCall, PuzzleCall, QuizCall, UngradableCell, read_test_cell


def title(cell) -> str:
    """What a graded cell checks, in a few words."""
    meta = cell.metadata.get("nbgrader", {})
    if meta.get("solution"):
        return "written answer, graded by your instructor" if cell.cell_type == "markdown" else \
            "answer graded by your instructor"
    try:
        call = read_test_cell(cell.source)
    except UngradableCell:
        return meta.get("grade_id", "test cell")
    if isinstance(call, CheckCall):
        from autograder.checks import exercise_for
        try:
            name = exercise_for(call.exercise).class_name
        except ValueError:
            name = call.exercise
        return f"{call.suite} checks of your {name}"
    if isinstance(call, QuizCall):
        return f"quiz question {call.question}"
    if isinstance(call, PuzzleCall):
        return f"you are the scheduler: {call.puzzle}"
    return meta.get("grade_id", "test cell")


class FeedbackPage(NbGraderPreprocessor):
    """Titles for graded cells, the late penalty's reason, diagrams as pictures (module doc)."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                diagrams.with_pictures(cell)
            if cell.metadata.get("nbgrader", {}).get("grade"):
                cell.metadata.setdefault("autograder", {})["title"] = title(cell)
        info = resources.get("nbgrader", {})
        late = ""
        if {"db_url", "student", "assignment"} <= set(info):
            grade = grades.read(info["db_url"], [(info["student"], info["assignment"])]).get(
                (info["student"], info["assignment"]))
            late = grade.late_text() if grade else ""
        resources["course_feedback"] = {"late": late}
        return nb, resources

"""``nbgrader export``'s grades.csv, with cells no spreadsheet runs (autograder/spreadsheet.py).

nbgrader's own CsvExportPlugin joins cells with commas as they are: a student id or a name
that starts with ``=`` becomes a formula, one with a comma shifts the row. This plugin writes
the same columns and rows through the csv module and the project's one neutraliser. The
course's nbgrader_config.py names it (``c.ExportApp.plugin_class``), so ``make grade``, the
command line and the formgrader all use it.
"""
from __future__ import annotations

from nbgrader.api import MissingEntry
from nbgrader.plugins import CsvExportPlugin

from autograder.spreadsheet import write_rows

COLUMNS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
           "raw_score", "late_submission_penalty", "score", "max_score")


class SafeCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export (same columns, same rows), with every cell neutralised."""

    def export(self, gradebook) -> None:
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        rows = []
        for assignment in gradebook.assignments:
            if assignments and assignment.name not in assignments:
                continue
            for student in gradebook.students:
                if students and student.id not in students:
                    continue
                try:
                    sub = gradebook.find_submission(assignment.name, student.id)
                    timestamp, raw, penalty = sub.timestamp, sub.score, sub.late_submission_penalty
                    score = max(0.0, sub.score - penalty)
                except MissingEntry:
                    timestamp, raw, penalty, score = "", 0.0, 0.0, 0.0
                row = (assignment.name, assignment.duedate, timestamp, student.id, student.last_name,
                       student.first_name, student.email, raw, penalty, score, assignment.max_score)
                rows.append(["" if v is None else v if isinstance(v, (str, int, float)) else str(v)
                             for v in row])
        self.log.info("Exporting grades to %s", self.to or "grades.csv")
        with open(self.to or "grades.csv", "w", newline="") as f:
            write_rows(f, COLUMNS, rows)

"""Every CSV the project writes neutralises formulas (autograder/spreadsheet.py, csv_export.py)."""
import csv
import io

import pytest

from autograder.spreadsheet import neutralise, write_rows


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x","y")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formulas_become_text(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["alice", "02-locks", "-1.5", "+3", 4.5, -2, None, ""])
def test_values_stay(cell):
    assert neutralise(cell) == cell


def test_rows_are_quoted_and_neutralised():
    out = io.StringIO()
    write_rows(out, ["student", "reason"], [["=1+1", "a, b\nc"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["student", "reason"], ["'=1+1", "a, b\nc"]]


def test_grades_csv_plugin(tmp_path, monkeypatch):
    import os
    import sys

    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}")  # alembic

    from autograder.instructor.csv_export import COLUMNS, SafeCsvExportPlugin

    url = f"sqlite:///{tmp_path / 'gb.db'}"
    with Gradebook(url) as gb:
        gb.add_assignment("02-locks")
        gb.add_student("=HYPERLINK(\"http://127.0.0.1/\")", first_name="Ann, the first", last_name="@x")
        SafeCsvExportPlugin(to=str(tmp_path / "grades.csv")).export(gb)
    rows = list(csv.DictReader(open(tmp_path / "grades.csv", newline="")))
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["student_id"] == "'=HYPERLINK(\"http://127.0.0.1/\")"
    assert (rows[0]["first_name"], rows[0]["last_name"], rows[0]["score"]) == ("Ann, the first", "'@x", "0.0")

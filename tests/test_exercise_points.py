"""Each test cell's points in the source notebooks equal the points of the suite it runs."""
import re

import nbformat
import pytest

from autograder.checks import suite_table
from tests.testkit import REPO

CALL = re.compile(r'check\("(\w+)",\s*"(\w+)"\)')


def graded_cells():
    for path in sorted((REPO / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            for exercise_id, suite in CALL.findall(cell.source):
                yield path.parent.name, meta, exercise_id, suite


@pytest.mark.parametrize("assignment,meta,exercise_id,suite", list(graded_cells()))
def test_cell_points_match_suite_points(assignment, meta, exercise_id, suite):
    assert meta.get("grade") and meta.get("locked"), f"{assignment}: check() outside a locked test cell"
    assert meta["grade_id"].startswith(f"{exercise_id}_test"), meta["grade_id"]
    suite_points = sum(points for _, points in suite_table(exercise_id, suite))
    assert meta["points"] == suite_points, (
        f"{assignment}/{meta['grade_id']} is worth {meta['points']} points but suite "
        f"{exercise_id}/{suite} awards {suite_points}")

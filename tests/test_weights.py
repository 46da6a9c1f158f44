"""The points table: what each exercise is named for carries at least half of its points,
and a course's own weights (c.Weights.points) are read from its nbgrader_config.py and held
against its notebooks' test cells."""
from __future__ import annotations

import shutil

import pytest

from autograder.checks import EXERCISES, suite_table, weights
from autograder.instructor.grading import check_test_cells
from autograder.instructor.test_cells import UngradableCell
from autograder.instructor.weights import Weights, course_table
from tests.testkit import REPO


@pytest.mark.parametrize("exercise", EXERCISES)
def test_named_class_carries_at_least_half_the_points(exercise):
    table = weights.POINTS[exercise]
    total = sum(p for suite in table.values() for p in suite.values())
    named = sum(p for suite in table.values() for prop, p in suite.items() if prop in weights.MAIN[exercise])
    assert named >= total / 2, f"{exercise}: the failure classes it is named for earn {named} of {total}"


def test_the_issue_s_classes_are_the_rows():
    assert {c for suite in weights.POINTS["safe_counter"].values() for c in suite} == {
        "lost_updates", "not_shared", "contract"}
    assert {c for suite in weights.POINTS["bounded_queue"].values() for c in suite} == {
        "items", "wakeups", "blocking", "timeouts", "contract"}
    assert {c for suite in weights.POINTS["lock_ordering"].values() for c in suite} == {
        "deadlock", "money", "snapshot", "contract"}


def test_overrides_apply_and_bad_ones_are_named():
    table = Weights(points={"safe_counter": {"visible": {"contract": 2}}}).table()
    assert table["safe_counter"]["visible"]["contract"] == 2
    assert weights.POINTS["safe_counter"]["visible"]["contract"] == 0.5   # default untouched
    assert [p for _, p in suite_table("safe_counter", "visible", table)] == [1.5, 1, 2]
    with pytest.raises(ValueError, match="unknown exercise 'counter'"):
        Weights(points={"counter": {}}).table()
    with pytest.raises(ValueError, match="has no failure class 'atomic'"):
        Weights(points={"safe_counter": {"visible": {"atomic": 1}}}).table()
    with pytest.raises(ValueError, match="must be a number >= 0"):
        Weights(points={"safe_counter": {"visible": {"contract": -1}}}).table()


def scratch_course(tmp_path, weights_line: str = ""):
    course = tmp_path / "course"
    shutil.copytree(REPO / "source" / "02-locks", course / "source" / "02-locks")
    (course / "nbgrader_config.py").write_text("c = get_config()\n" + weights_line + "\n")
    return course


def test_course_weights_come_from_nbgrader_config(tmp_path):
    course = scratch_course(tmp_path, 'c.Weights.points = {"safe_counter": {"hidden": '
                                      '{"lost_updates": 1, "not_shared": 1}}}')
    table = course_table(course)
    assert table["safe_counter"]["hidden"] == {"lost_updates": 1, "not_shared": 1}
    check_test_cells(course, ["02-locks"])            # same total (2): the notebook still fits


def test_grading_refuses_test_cells_whose_points_differ_from_the_weights(tmp_path):
    check_test_cells(scratch_course(tmp_path / "a"), ["02-locks"])     # the defaults fit the notebooks
    course = scratch_course(tmp_path / "b", 'c.Weights.points = {"safe_counter": {"visible": '
                                            '{"contract": 2}}}')
    with pytest.raises(UngradableCell, match=r"safe_counter_test.*worth 3 points but suite "
                                             r"safe_counter/visible awards 4.5"):
        check_test_cells(course, ["02-locks"])
    course = scratch_course(tmp_path / "c", 'c.Weights.points = {"counter": {}}')
    with pytest.raises(UngradableCell, match="c.Weights.points: weights: unknown exercise"):
        check_test_cells(course, ["02-locks"])

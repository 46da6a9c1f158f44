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
def test_named_property_carries_at_least_half_the_points(exercise):
    table = weights.POINTS[exercise]
    total = sum(p for suite in table.values() for p in suite.values())
    named = sum(p for suite in table.values() for prop, p in suite.items() if prop in weights.MAIN[exercise])
    assert named >= total / 2, f"{exercise}: the properties it is named for earn {named} of {total}"


def test_overrides_apply_and_bad_ones_are_named():
    table = Weights(points={"safe_counter": {"visible": {"counts_in_one_process": 2}}}).table()
    assert table["safe_counter"]["visible"]["counts_in_one_process"] == 2
    assert weights.POINTS["safe_counter"]["visible"]["counts_in_one_process"] == 0.5   # default untouched
    assert [p for _, p in suite_table("safe_counter", "visible", table)] == [2, 1.5, 1]
    with pytest.raises(ValueError, match="unknown exercise 'counter'"):
        Weights(points={"counter": {}}).table()
    with pytest.raises(ValueError, match="has no property 'atomic'"):
        Weights(points={"safe_counter": {"visible": {"atomic": 1}}}).table()
    with pytest.raises(ValueError, match="must be a number >= 0"):
        Weights(points={"safe_counter": {"visible": {"counts_in_one_process": -1}}}).table()


def scratch_course(tmp_path, weights_line: str = ""):
    course = tmp_path / "course"
    shutil.copytree(REPO / "source" / "02-locks", course / "source" / "02-locks")
    (course / "nbgrader_config.py").write_text("c = get_config()\n" + weights_line + "\n")
    return course


def test_course_weights_come_from_nbgrader_config(tmp_path):
    course = scratch_course(tmp_path, 'c.Weights.points = {"safe_counter": {"hidden": '
                                      '{"atomic_with_any_n_under_controlled_interleavings": 1, '
                                      '"shared_across_processes_stress": 1}}}')
    table = course_table(course)
    assert table["safe_counter"]["hidden"] == {"atomic_with_any_n_under_controlled_interleavings": 1,
                                               "shared_across_processes_stress": 1}
    check_test_cells(course, ["02-locks"])            # same total (2): the notebook still fits


def test_grading_refuses_test_cells_whose_points_differ_from_the_weights(tmp_path):
    check_test_cells(scratch_course(tmp_path / "a"), ["02-locks"])     # the defaults fit the notebooks
    course = scratch_course(tmp_path / "b", 'c.Weights.points = {"safe_counter": {"visible": '
                                            '{"counts_in_one_process": 2}}}')
    with pytest.raises(UngradableCell, match=r"safe_counter_test.*worth 3 points but suite "
                                             r"safe_counter/visible awards 4.5"):
        check_test_cells(course, ["02-locks"])
    course = scratch_course(tmp_path / "c", 'c.Weights.points = {"counter": {}}')
    with pytest.raises(UngradableCell, match="c.Weights.points: weights: unknown exercise"):
        check_test_cells(course, ["02-locks"])

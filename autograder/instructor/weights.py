"""A course's own points per failure class: ``c.Weights.points`` in nbgrader_config.py.

The default table is autograder/checks/weights.py (POINTS); a course overrides any part of
it, e.g.::

    c.Weights.points = {"safe_counter": {"visible": {"lost_updates": 2,
                                                     "not_shared": 0.5}}}

The trusted path (TrustedScores) scores with the result, and `make grade` refuses to start
while an autograded test cell's points differ from its suite's (grading.check_test_cells),
since nbgrader gives a cell that passes everything the cell's own points. A table from before
the failure classes (naming properties) is refused with the classes each suite has.
"""
from __future__ import annotations

from pathlib import Path

from traitlets import Dict
from traitlets.config import Configurable

from autograder.checks import weights
from .settings import course_config


class Weights(Configurable):
    points = Dict(help="Points per failure class, {exercise: {suite: {class: points}}}, overriding "
                       "autograder/checks/weights.py POINTS (any subset of it).").tag(config=True)

    def table(self) -> dict:
        """The whole table, with this course's overrides; ValueError naming a bad entry."""
        return weights.with_overrides(self.points)


def course_table(course: Path) -> dict:
    """The points table of the course rooted at ``course`` (its nbgrader_config.py, if any)."""
    return Weights(config=course_config(course)).table()

"""The grading run's own knobs, as a traitlets Configurable read from the course's
nbgrader_config.py (``c.Grading.submission_deadline = 600``); the command line overrides them
(``make grade JOBS=2``, ``python -m autograder grade --deadline 600``).

The other knobs live with what they tune, each a traitlets option with help text, all read
from the same file: ``c.Sandbox.*`` (limits), ``c.Weights.points`` (points per property),
``c.TrustedScores.*`` (deadlines of a suite and of the quiz answers), ``c.SandboxedExecute.*``
(cell timeouts), ``c.CourseDirectory.db_url`` (nbgrader's own: the gradebook).
docs/architecture.md lists them all.
"""
from __future__ import annotations

from pathlib import Path

from traitlets import Float, Integer
from traitlets.config import Config, Configurable
from traitlets.config.loader import PyFileConfigLoader

from autograder.affinity import machine_cpus


class Grading(Configurable):
    submission_deadline = Float(300.0, help=(
        "Seconds (of machine share: a busy machine stretches them) one submission's whole "
        "nbgrader autograde may take; then it is stopped and scored 0 with the reason.")).tag(config=True)
    command_deadline = Float(300.0, help=(
        "Seconds an nbgrader command that runs no student code (generate_assignment, "
        "generate_feedback, export) may take.")).tag(config=True)
    jobs = Integer(0, help="Submissions graded side by side; 0: one per core.").tag(config=True)

    def job_count(self) -> int:
        if self.jobs > 0:
            return self.jobs
        return len(machine_cpus())


def course_config(course: Path) -> Config:
    """The course's nbgrader_config.py as nbgrader itself reads it (an empty config if none)."""
    if not (Path(course) / "nbgrader_config.py").is_file():
        return Config()
    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def gradebook_url(course: Path) -> str:
    """The course's gradebook (c.CourseDirectory.db_url)."""
    return course_config(course).CourseDirectory.db_url

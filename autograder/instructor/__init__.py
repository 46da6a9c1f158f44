"""The instructor's layer: the trusted grading path's nbgrader preprocessors, the grading
chain and its one gradebook writer, nbgrader commands, exports (Gradescope, PrairieLearn),
the Gradescope bundle, the demo, releases, the lab, the hub and self-check. It uses the
sandbox (autograder.sandbox) and the checks (autograder.checks), never the other way round.
"""
from pathlib import Path

#: where the project's own files live beside its code (deploy/, demo/, pyproject.toml). This is
#: never a course folder: every command takes the course as --course (default: the working folder).
PROJECT = Path(__file__).resolve().parents[2]

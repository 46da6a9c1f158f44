"""Every environment variable the project reads or sets, named once.

Settings are traitlets options (nbgrader_config.py); an environment variable exists only where
a child process needs to know something its parent decided: a kernel that the grader runs,
every process of one grading run, the start method lessons use.
"""
from __future__ import annotations

import os

#: set in kernels the trusted grader runs (nbgrader autograde): their check() calls only say so
GRADING = "AUTOGRADER_TRUSTED_GRADING"
#: nbgrader sets it while it executes a notebook ("validate" or "autograde")
NBGRADER_EXECUTION = "NBGRADER_EXECUTION"


def being_graded() -> bool:
    """True while the trusted grader executes this notebook (nbgrader autograde): scores then
    come from the grader's own checks of the submitted file, never from this kernel."""
    return bool(os.environ.get(GRADING))


def being_validated() -> bool:
    """True while nbgrader validates this notebook (a student's Validate button), where the
    visible checks run for real but nothing slow should."""
    return os.environ.get(NBGRADER_EXECUTION) == "validate"

"""Every environment variable the project reads or sets, named once.

Settings are traitlets options (nbgrader_config.py, docs/architecture.md lists them); an
environment variable exists only where a child process needs to know something its parent
decided: a kernel that the grader runs, every process of one grading run, the start method
a student chose for the lessons. (The hub's variables, which `make hub` hands to
deploy/jupyterhub_config.py and the servers it starts, are that deployment's own interface:
HubSettings.hub_environment() in autograder/instructor/hub.py lists them.)
"""
from __future__ import annotations

import os

#: set in kernels the trusted grader runs (nbgrader autograde): their check() calls only say so
GRADING = "AUTOGRADER_TRUSTED_GRADING"
#: nbgrader sets it while it executes a notebook ("validate" or "autograde")
NBGRADER_EXECUTION = "NBGRADER_EXECUTION"
#: marks every process of one nbgrader run, so that killing a run kills only its own orphans
JOB_MARKER = "AUTOGRADER_JOB"
#: the start method lessons use (fork, spawn or forkserver); read by course.start_method()
START_METHOD = "COURSE_START_METHOD"
#: a course's gradebook server, read by its nbgrader_config.py (the hub passes it to its grading
#: server); unset: a SQLite file in the course folder
GRADEBOOK_URL = "COURSE_GRADEBOOK_URL"
#: tests mark the processes of one run with it; the sandbox passes it on so they can find leftovers
TEST_MARKER = "COURSE_TEST_MARKER"
#: the CPUs a judge had before it pinned itself to one (autograder/affinity.py), e.g. "0,1": its
#: workers' deadlines still count the whole machine's share, and real runs get them all back
MACHINE_CPUS = "AUTOGRADER_MACHINE_CPUS"


def being_graded() -> bool:
    """True while the trusted grader executes this notebook (nbgrader autograde): scores then
    come from the grader's own checks of the submitted file, never from this kernel."""
    return bool(os.environ.get(GRADING))


def being_validated() -> bool:
    """True while nbgrader validates this notebook (a student's Validate button), where the
    visible checks run for real but nothing slow should."""
    return os.environ.get(NBGRADER_EXECUTION) == "validate"


def under_nbgrader() -> bool:
    """True while nbgrader executes this notebook, for any reason: lessons then use their small
    configurations (a benchmark's full sweep would not fit a cell's timeout)."""
    return bool(os.environ.get(NBGRADER_EXECUTION))

"""nbgrader configuration for the course (read by every nbgrader command run from this folder)."""
import os
from pathlib import Path

from autograder.environment import GRADEBOOK_URL

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

root = Path(__file__).resolve().parent
c.CourseDirectory.course_id = "process-sync"
c.CourseDirectory.root = str(root)
# SQLite next to the course by default; a shared server sets e.g.
# COURSE_GRADEBOOK_URL=postgresql://user@host/gradebook
c.CourseDirectory.db_url = os.environ.get(GRADEBOOK_URL, f"sqlite:///{root / 'gradebook.db'}")

# Grading. Scores come from the trusted path (autograder/instructor/preprocessors/), never from the kernel:
# SandboxedExecute runs the notebook in a bubblewrap sandbox and keeps only its outputs (for the
# student's feedback); TrustedScores checks each answer cell from the submitted file in
# sandboxed checkers and writes each test cell's verdict as its output, which SaveAutoGrades
# records. Under grading the kernel does not run the checks itself (their output is replaced),
# so a cell that takes 40 s is stuck; a kernel that ignores the interrupt is replaced
# (RobustExecute, inside the sandbox) instead of nbgrader dropping the whole submission.
c.Autograde.autograde_preprocessors = [
    "autograder.instructor.preprocessors.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "autograder.instructor.preprocessors.TrustedScores",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.SandboxedExecute.timeout = 40
c.SandboxedExecute.iopub_timeout = 5   # grace to answer the interrupt
c.SandboxedExecute.max_output_chars = 20_000
c.LimitOutput.max_lines = 200
# `nbgrader validate` (a student's Validate button) runs the checks in the student's own
# kernel: one suite may take up to 60 s there.
c.Execute.timeout = 180
# The grading run: seconds per submission and per nbgrader command, submissions side by side
# (autograder/instructor/settings.py), e.g.
# c.Grading.submission_deadline = 300; c.Grading.jobs = 0   # 0: one per core
# Deadlines of the trusted checks: c.TrustedScores.check_deadline = 180 (one suite),
# c.TrustedScores.quiz_deadline = 60 (a notebook's quiz answers), c.TrustedScores.quiz_cell_deadline = 10
# The checks (autograder/checks/settings.py): the course's seed for sampled searches, the start
# methods of the real-process runs, their deadlines, e.g.
# c.Checks.seed = 0; c.Checks.start_methods = ["fork", "spawn", "forkserver"]
# The sandbox's limits (autograder/sandbox/settings.py has them all, with their help):
# c.Sandbox.memory_limit = 4 * 1024**3; c.Sandbox.max_processes = 64; ...

# Points per property (the default table, and why, is autograder/checks/weights.py; the README
# shows it). Override any part of it here; each autograded test cell's points in source/ must
# then equal its suite's new total (`make grade` refuses to start otherwise), e.g.
# c.Weights.points = {"safe_counter": {"visible": {"lost_updates": 2,
#                                                  "not_shared": 0.5}}}

# Feedback tells a student that a hidden check failed and its one-line reason (the cell's
# output), never the hidden test's source.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

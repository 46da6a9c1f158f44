"""nbgrader configuration for the course (read by every nbgrader command run from this folder)."""
import os
from pathlib import Path

from autograder.environment import GRADEBOOK_URL
from autograder.instructor.feedback import feedback_templates

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
# BrowserSafe leaves nothing that runs in a browser (the formgrader shows the autograded
# notebook with your session): active HTML in a markdown cell is shown as text.
c.Autograde.autograde_preprocessors = [
    "autograder.instructor.preprocessors.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "autograder.instructor.preprocessors.TrustedScores",
    "autograder.instructor.preprocessors.BrowserSafe",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A test cell a student deleted is put back and graded (make grade flags it: "test cell
# restored"); an edited locked cell is always put back (flagged "test cell edited").
c.OverwriteCells.add_missing_cells = True
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
# and the memory of a job as a whole (all its processes together; keep jobs x job_memory below
# the machine's memory): c.Sandbox.job_memory = 8 * 1024**3
# What a submission may hand in (autograder/instructor/intake.py; the rest is flagged):
# c.Intake.max_files = 100; c.Intake.max_file_bytes = 32 * 1024**2; c.Intake.max_bytes = 64 * 1024**2

# Points per property (the default table, and why, is autograder/checks/weights.py; the README
# shows it). Override any part of it here; each autograded test cell's points in source/ must
# then equal its suite's new total (`make grade` refuses to start otherwise), e.g.
# c.Weights.points = {"safe_counter": {"visible": {"lost_updates": 2,
#                                                  "not_shared": 0.5}}}

# Late submissions: nbgrader's plugin decides the penalty when a submission is autograded
# (due dates: `nbgrader db assignment add NAME --duedate ...`); every view applies the same one.
# c.LateSubmissionPlugin.penalty_method = "zero"     # "none" (the default) or "zero"

# Collect (the formgrader's button) copies submissions out of the exchange without following
# links or opening special files: students can write to its inbound folder (safe_collect.py).
c.ExchangeFactory.collect = "autograder.instructor.safe_collect.SafeExchangeCollect"

# grades.csv (`nbgrader export`, also from the formgrader): nbgrader's columns, written with
# cells no spreadsheet reads as a formula (autograder/spreadsheet.py).
c.ExportApp.plugin_class = "autograder.instructor.csv_export.SafeCsvExportPlugin"

# Feedback tells a student that a hidden check failed and its one-line reason (the cell's
# output), never the hidden test's source. FeedbackPage names each graded cell by what it
# checks, says why a late penalty was given and draws the lessons' diagrams as pictures; the
# course's template (autograder/instructor/templates/course_feedback/) wraps long lines.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "autograder.instructor.preprocessors.FeedbackPage",     # reads the test cells before hidden tests go
    "nbgrader.preprocessors.ClearHiddenTests",
    "autograder.instructor.preprocessors.BrowserSafe",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.HTMLExporter.template_name = "course_feedback"
c.HTMLExporter.extra_template_basedirs = feedback_templates()

"""nbgrader configuration for the course (read by every nbgrader command run from this folder)."""
import os
from pathlib import Path

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

root = Path(__file__).resolve().parent
c.CourseDirectory.course_id = "process-sync"
c.CourseDirectory.root = str(root)
# SQLite next to the course by default; a shared server sets e.g.
# COURSE_GRADEBOOK_URL=postgresql://user@host/gradebook
c.CourseDirectory.db_url = os.environ.get("COURSE_GRADEBOOK_URL", f"sqlite:///{root / 'gradebook.db'}")

# Execution. A check suite has its own 25 s deadline (autograder.checker), so a cell that
# takes 40 s is stuck. RobustExecute restarts a kernel that ignores the interrupt instead
# of letting nbgrader drop the whole submission, and caps each cell's output.
c.Autograde.autograde_preprocessors = [
    "autograder.execute.RobustExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.RobustExecute.timeout = int(os.environ.get("COURSE_CELL_TIMEOUT", 40))
c.RobustExecute.iopub_timeout = 5   # grace to answer the interrupt
c.RobustExecute.max_output_chars = 20_000
c.LimitOutput.max_lines = 200

# Feedback tells a student that a hidden check failed and its one-line reason (the cell's
# output), never the hidden test's source.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

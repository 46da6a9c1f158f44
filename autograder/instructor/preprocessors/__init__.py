"""The trusted grading path's nbgrader preprocessors, one per module (see nbgrader_config.py).

``nbgrader autograde`` (from ``make grade``, the command line or the formgrader) runs in the
instructor's process; student code never runs there:

* ``SandboxedExecute`` replaces nbgrader's Execute: the notebook runs in a sandbox and only
  its filtered outputs come back, for the student to read; no score comes from them.
* ``TrustedScores`` decides every autograded test cell from the submitted answer cells and
  writes the verdict as the cell's outputs, which nbgrader's SaveAutoGrades records.
* ``BrowserSafe`` leaves nothing in the notebook that could run in a browser (the
  formgrader shows it with the instructor's session); feedback runs it again.

``nbgrader generate_feedback`` adds ``FeedbackPage``: titles that say what each graded cell
checks, the late penalty's reason, the lessons' diagrams as pictures.
"""
from .browser_safe import BrowserSafe
from .feedback_page import FeedbackPage
from .sandboxed_execute import SandboxedExecute
from .trusted_scores import TrustedScores

__all__ = ["BrowserSafe", "FeedbackPage", "SandboxedExecute", "TrustedScores"]

"""``BrowserSafe``: the autograded notebook and the feedback run nothing in a browser.

Last of the trusted path's changes to the notebook (nbgrader_config.py runs it in autograde,
before SaveAutoGrades, and again in generate_feedback): every renderer of the notebook, the
formgrader with the instructor's session above all, gets content with no student-supplied
script or active HTML (browser_safety.py says what is kept).
"""
from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from ..browser_safety import make_browser_safe


class BrowserSafe(NbGraderPreprocessor):
    """Makes the notebook inert in any browser (see autograder/instructor/browser_safety.py)."""

    def preprocess(self, nb, resources):
        shown_as_text = make_browser_safe(nb)
        if shown_as_text:
            self.log.warning("%d markdown cell(s) held active HTML: they are shown as text", shown_as_text)
        return nb, resources

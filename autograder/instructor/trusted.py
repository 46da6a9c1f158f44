"""Where nbgrader_config.py files written before the preprocessors had a package of their own
find them (``autograder.instructor.trusted.SandboxedExecute``, ``...TrustedScores``). New
configurations name ``autograder.instructor.preprocessors.*``."""
from .preprocessors import SandboxedExecute, TrustedScores

__all__ = ["SandboxedExecute", "TrustedScores"]

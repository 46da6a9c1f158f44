"""ATTACK: patching the grader: replace autograder.check (and the quiz) from an added cell
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import multiprocessing


class SafeCounter:
    """Counts nothing: every point this earns for the exercise is a point stolen."""

    def __init__(self, initial=0, *, ctx=None):
        self._initial = initial

    def increment(self, n=1):
        pass

    @property
    def value(self):
        return self._initial
# %% cell
import autograder
import autograder.sandbox.checker
autograder.check = lambda *args, **kwargs: None
autograder.sandbox.checker.check = lambda *args, **kwargs: None

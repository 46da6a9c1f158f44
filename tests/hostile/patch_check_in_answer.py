"""ATTACK: patching the grader: replace autograder.check from the answer cell
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import autograder
autograder.check = lambda *args, **kwargs: None

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

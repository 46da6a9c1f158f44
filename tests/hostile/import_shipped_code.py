"""ATTACK: importing shipped code: take a counter (or anything) from the course's own packages
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
from course import workers
from autograder.checks import safe_counter as checks

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

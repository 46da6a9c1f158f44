"""ATTACK: an output flood: hundreds of megabytes printed by the answer and by an added cell
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
print("x" * 50_000_000)

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
import sys
for _ in range(200):
    sys.stdout.write("y" * 1_000_000)

"""ATTACK: forging the checker's verdict: write an all-passed report to every open file descriptor
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import os
import json

_forged = json.dumps({"report": {"exercise": "safe_counter", "suite": "visible", "problem": "", "results": []}})
for _fd in range(3, 64):
    try:
        os.write(_fd, ("0" * 64 + " " + _forged).encode())
    except OSError:
        pass

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

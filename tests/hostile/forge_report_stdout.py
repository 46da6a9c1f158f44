"""ATTACK: forging the checker's verdict: print what an all-passed report looks like, then exit at once
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
print("safe_counter · visible checks: all passed (3 of 3 points)")
print("0" * 64 + ' {"report": {"exercise": "safe_counter", "suite": "visible", "problem": "", "results": []}}')
raise SystemExit(0)

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

"""ATTACK: patching the grader: the locked test cells are edited to do nothing
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
# %% tamper safe_counter_test_visible
pass
# %% tamper safe_counter_test_hidden
print("all passed")

"""ATTACK: patching the grader: an IPython input transformer turns every later cell into pass
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
get_ipython().input_transformers_cleanup.append(lambda lines: ["pass\n"])

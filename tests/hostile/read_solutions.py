"""ATTACK: reading solutions from source/ (and printing them into the feedback)
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
import glob
for path in glob.glob("{COURSE}/source/**/*.ipynb", recursive=True) + glob.glob("/**/source/*/*.ipynb", recursive=True):
    try:
        print(open(path).read())
    except OSError as exc:
        print("cannot read", path, exc)

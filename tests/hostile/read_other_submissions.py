"""ATTACK: reading other students' notebooks and printing their answer cells
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
found = glob.glob("{COURSE}/submitted/*/*/*.ipynb") + glob.glob("{COURSE}/autograded/*/*/*.ipynb")
print("found", len(found), "notebooks")
for path in found:
    try:
        print(open(path).read())
    except OSError as exc:
        print("cannot read", path, exc)

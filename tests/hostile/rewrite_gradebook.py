"""ATTACK: rewriting the gradebook: everyone else gets 0, this student full marks
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
import sqlite3
try:
    db = sqlite3.connect("{COURSE}/gradebook.db")
    db.execute("UPDATE grade SET auto_score = 0, manual_score = 0")
    db.execute("DELETE FROM submitted_assignment")
    db.commit()
    print("gradebook rewritten")
except Exception as exc:
    print("no gradebook:", exc)

"""ATTACK: comparison tricks: value is an object equal to everything
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import multiprocessing


class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __repr__(self):
        return "42"


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        pass

    def increment(self, n=1):
        pass

    @property
    def value(self):
        return Anything()

"""ATTACK: a multi-GiB allocation: a correct counter that first takes 6 GiB of memory
EXPECT: 0
MESSAGE: more than 4 GiB of memory
"""
# %% answer
%%exercise safe_counter
import multiprocessing

_ballast = bytearray(6 * 1024 ** 3)


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._total = ctx.Value("q", initial)

    def increment(self, n=1):
        with self._total.get_lock():
            self._total.value += n

    @property
    def value(self):
        return self._total.value

"""ATTACK: reaching the grader through the interpreter: __import__, getattr and frames
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import multiprocessing

_os = __import__("os")
_open = getattr(__builtins__, "open")


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        self._initial = initial

    def increment(self, n=1):
        try:
            raise RuntimeError
        except RuntimeError as exc:
            frame = exc.__traceback__.tb_frame.f_back
            frame.f_globals["PropertyResult"] = None

    @property
    def value(self):
        return self._initial

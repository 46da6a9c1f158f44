"""ATTACK: killing the grader: its parent, its process group, and every process it can see
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
import os
import signal
for pid in [os.getppid(), *(int(p) for p in os.listdir("/proc") if p.isdigit())]:
    if pid != os.getpid():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
try:
    os.killpg(0, signal.SIGKILL)
except OSError:
    pass

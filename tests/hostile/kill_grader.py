"""ATTACK: killing the grader: its parent, its process group, and every process it can see
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
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

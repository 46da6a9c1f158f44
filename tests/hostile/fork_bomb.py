"""ATTACK: a fork bomb: every child forks again, forever
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import os
import time
for _ in range(100_000):
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)

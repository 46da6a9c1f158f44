"""ATTACK: importing shipped code: take a counter (or anything) from the course's own packages
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
from course import workers
from autograder.checks import safe_counter as checks

{NOTHING}

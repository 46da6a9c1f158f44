"""ATTACK: patching the grader: replace autograder.check from the answer cell
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import autograder
autograder.check = lambda *args, **kwargs: None

{NOTHING}

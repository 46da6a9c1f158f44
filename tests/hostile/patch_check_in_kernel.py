"""ATTACK: patching the grader: replace autograder.check (and the quiz) from an added cell
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import autograder
import autograder.sandbox.checker
autograder.check = lambda *args, **kwargs: None
autograder.sandbox.checker.check = lambda *args, **kwargs: None

"""ATTACK: patching the grader: a wrong quiz answer, and course.quiz.check patched to say "Right."
EXPECT: 0
QUIZ: "a"
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
import autograder.checks.quizzes
from course import quiz
quiz.check = lambda question, answer: print("Right.")
autograder.checks.quizzes.verdict = lambda question, answer: (True, "Right.")

"""ATTACK: patching the grader: a wrong quiz answer, and course.quiz.check patched to say "Right."
EXPECT: 0
QUIZ: "a"
"""
# %% answer
%%exercise safe_counter
{NOTHING}
# %% cell
import autograder.checks.quizzes
from course import quiz
quiz.check = lambda question, answer: print("Right.")
autograder.checks.quizzes.verdict = lambda question, answer: (True, "Right.")

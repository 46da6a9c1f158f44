"""Self-check questions in a notebook: ``quiz.check(question_id, answer)`` prints why an
answer is right, or raises AssertionError with a hint (the autograded cell then loses its
point). The questions and their salted digests live with the grader (autograder.checks.quizzes);
under grading the trusted grader checks the answer cell itself, not this cell's output."""
from autograder.checks.quizzes import QUESTIONS, check, digest, normalise, verdict

__all__ = ["QUESTIONS", "check", "digest", "normalise", "verdict"]

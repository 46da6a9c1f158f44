"""Quiz questions in a notebook: ``quiz.check(question_id, answer)`` prints why an answer is
right, or raises AssertionError with a hint (the autograded cell then loses its point).

The questions and their keys are the grader's (autograder.checks.quizzes); being graded, the
trusted grader evaluates the answer cell itself, so this cell only says so.
"""
from __future__ import annotations

from autograder.checks.quizzes import verdict
from autograder.environment import being_graded

__all__ = ["check"]


def check(question: str, answer) -> None:
    """Print why ``answer`` is right, or raise AssertionError with a hint."""
    if being_graded():
        print(f"{question}: checked by the grader from your submitted answer cell")
        return
    right, message = verdict(question, answer)
    if not right:
        if "Hint:" in message:
            message += f" (A stronger hint: autograder.hint({question!r}).)"
        raise AssertionError(message)
    print(message)

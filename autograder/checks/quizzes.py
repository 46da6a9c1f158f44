"""Self-check questions: ``quiz.check(question_id, answer)`` says whether an answer is right.

This table is the grader's: ``verdict()`` is what the trusted grading path uses on the value
an answer cell gave its variable (evaluated in a sandbox); notebooks reach ``check()``
through the student API (``autograder.quiz``).

Answers are stored as salted digests in quiz_keys.json, which `make release` writes from the
answer cells in source/ (autograder/instructor/quiz_keys.py), so reading it does not give
them away (it would not take long to try every option of a multiple-choice question, but
then you would miss the point). A right answer prints why it is right; a wrong one raises AssertionError
with a hint, which is what makes the autograded self-check cell lose its point.

Every answer is a number or one or more choices: choices are letters, given as ``"b"``,
``"bd"``, ``"b, d"`` or ``["b", "d"]`` in any order and either case; numbers compare as
numbers (``0``, ``0.0`` and ``"0"`` are the same answer).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

#: written by `make release` from the answer cells in source/ (never by hand)
KEYS = Path(__file__).with_name("quiz_keys.json")

# question id -> (digest of the right answer, why it is right, a hint when it is not)
QUESTIONS: dict[str, tuple[str, str, str]] = {}


def normalise(answer) -> str:
    """Numbers as integers where they are whole; choices as their sorted letters."""
    if isinstance(answer, bool):
        return str(answer).lower()
    if isinstance(answer, (int, float)):
        return str(int(answer)) if float(answer).is_integer() else repr(float(answer))
    if isinstance(answer, (list, tuple, set, frozenset)):
        answer = "".join(str(a) for a in answer)
    text = str(answer).strip().lower()
    try:
        return normalise(float(text))
    except ValueError:
        pass
    letters = text.replace(",", "").replace(" ", "").replace("(", "").replace(")", "")
    return "".join(sorted(set(letters)))


def digest(question: str, answer) -> str:
    return hashlib.sha256(f"course-quiz:{question}:{normalise(answer)}".encode()).hexdigest()


def verdict(question: str, answer) -> tuple[bool, str]:
    """(right, what to tell the student) for ``answer`` to ``question``; KeyError if unknown."""
    try:
        expected, why, hint = QUESTIONS[question]
    except KeyError:
        raise KeyError(f"there is no self-check question {question!r}") from None
    if answer is None or answer is Ellipsis:
        return False, "no answer yet: replace the placeholder in the cell above with your answer"
    if digest(question, answer) != expected:
        return False, f"not quite ({answer!r}). Hint: {hint}"
    return True, f"Right. {why}"


def check(question: str, answer) -> None:
    """Print why ``answer`` is right, or raise AssertionError with a hint."""
    right, message = verdict(question, answer)
    if not right:
        raise AssertionError(message)
    print(message)


def load(path: Path = KEYS) -> dict[str, tuple[str, str, str]]:
    """The keys `make release` wrote from source/ (autograder/instructor/quiz_keys.py)."""
    return {q: (k["digest"], k["why"], k["hint"]) for q, k in json.loads(path.read_text()).items()}


QUESTIONS.update(load())

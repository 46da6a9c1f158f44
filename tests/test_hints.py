"""Hints: three per graded exercise, puzzle and quiz question, each shown in turn, none an answer.

What "none an answer" means, checked here: no hint of a quiz question names its right choice
("(b)") or its number; no hint of a puzzle contains a schedule that breaks it; no hint of an
exercise contains code (a class or a def) or names a hidden check.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from autograder.checks import exercise_for
from autograder.checks.puzzles import judge
from autograder.checks.quizzes import QUESTIONS, digest
from autograder.student import hint_texts
from autograder.student.hints import LEVELS, hint, ladder
from tests.testkit import REPO


def graded_items() -> dict[str, str]:
    """Every answer cell's grade_id in the source notebooks -> its solution's text."""
    found = {}
    for path in sorted(REPO.glob("source/[0-9][0-9]-*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and cell.cell_type == "code" and not meta["grade_id"].endswith("_fix"):
                found[meta["grade_id"]] = cell.source
    return found


ITEMS = graded_items()


def test_every_graded_exercise_puzzle_and_quiz_has_three_hints():
    assert set(ITEMS) == set(hint_texts.EXERCISES) | set(hint_texts.PUZZLES) | set(hint_texts.QUIZZES)
    assert set(hint_texts.QUIZZES) == set(QUESTIONS)
    for item in ITEMS:
        hints = ladder(item)
        assert len(hints) == LEVELS and all(len(h) > 30 for h in hints), item
        assert len(set(hints)) == LEVELS, f"{item}: the same hint twice"


def _answer(item: str):
    namespace: dict = {}
    exec(ITEMS[item].replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), namespace)
    return namespace[item]


@pytest.mark.parametrize("item", sorted(hint_texts.QUIZZES))
def test_no_quiz_hint_gives_the_answer(item):
    answer = _answer(item)
    assert digest(item, answer) == QUESTIONS[item][0], "the lesson's solution is not the key"
    for text in ladder(item):
        if isinstance(answer, str):
            for letter in answer:
                assert f"({letter})" not in text, f"{item}: a hint names choice ({letter})"
        else:
            assert not re.search(rf"(?<![\d.,]){answer}(?![\d.,])", text), f"{item}: a hint says {answer}"


@pytest.mark.parametrize("item", sorted(hint_texts.PUZZLES))
def test_no_puzzle_hint_holds_a_breaking_schedule(item):
    for text in ladder(item):
        for listed in re.findall(r"(?<![\w\]])\[[\d,\s]+\]", text):     # a list, not _locks[0]
            schedule = eval(listed)        # noqa: S307 - our own hint text
            assert not judge(item, schedule).broken, f"{item}: a hint breaks it with {listed}"


@pytest.mark.parametrize("item", sorted(hint_texts.EXERCISES))
def test_no_exercise_hint_holds_code_or_a_hidden_check(item):
    hidden = {prop.__name__ for suite, props in exercise_for(item).suites.items() if suite.startswith("hidden")
              for prop in props}
    for text in ladder(item):
        assert not re.search(r"\b(class|def)\s+\w+", text), f"{item}: a hint holds code"
        assert not any(name in text for name in hidden), f"{item}: a hint names a hidden check"


def test_each_call_shows_the_next_hint_then_points_to_solutions():
    shown = []
    for _ in range(LEVELS + 1):
        hint("bank_schedule", say=shown.append)
    hints = ladder("bank_schedule")
    for level in range(LEVELS):
        assert f"hint {level + 1} of {LEVELS}" in shown[level] and hints[level] in shown[level]
    assert "last hint" in shown[-1] and "docs/students.md" in shown[-1]
    again = []
    hint("bank_schedule", 2, say=again.append)
    assert hints[1] in again[0]
    with pytest.raises(KeyError, match="no exercise, puzzle or question"):
        ladder("no_such_thing")


def test_a_wrong_quiz_answer_points_to_the_stronger_hints():
    from autograder.student import quiz

    with pytest.raises(AssertionError, match=r"autograder.hint\('locks_selfcheck_1'\)"):
        quiz.check("locks_selfcheck_1", "a")

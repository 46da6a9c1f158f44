"""``autograder.hint("safe_counter")``: the next hint, stronger each time, three in all.

Every graded exercise, "you are the scheduler" puzzle and quiz question has a ladder of three
hints (autograder.student.hint_texts; a quiz question's first is the hint its wrong answer
shows). Each call shows the next one up; ``hint(id, 2)`` shows the second again; after the
third it says where worked solutions come from. Hints never contain an answer, and never a
hidden check.
"""
from __future__ import annotations

from . import hint_texts

__all__ = ["hint", "ladder", "LEVELS"]

LEVELS = 3
_shown: dict[str, int] = {}          # how many hints of each item this kernel has shown


def ladder(item: str) -> list[str]:
    """The three hints of an exercise, puzzle or quiz question, weakest first; KeyError if
    there is no such item."""
    if item in hint_texts.EXERCISES:
        return list(hint_texts.EXERCISES[item])
    if item in hint_texts.PUZZLES:
        return list(hint_texts.PUZZLES[item])
    if item in hint_texts.QUIZZES:
        from autograder.checks.quizzes import QUESTIONS

        return [QUESTIONS[item][2][0].upper() + QUESTIONS[item][2][1:], *hint_texts.QUIZZES[item]]
    known = sorted([*hint_texts.EXERCISES, *hint_texts.PUZZLES, *hint_texts.QUIZZES])
    raise KeyError(f"there is no exercise, puzzle or question {item!r} with hints; there are "
                   f"{', '.join(known)}")


def hint(item: str, level: int | None = None, *, say=print) -> None:
    """Show hint ``level`` (1 to 3) of ``item``, by default the next one not shown yet in this
    kernel."""
    hints = ladder(item)
    if level is None:
        level = min(_shown.get(item, 0) + 1, LEVELS + 1)
    if not 1 <= level <= LEVELS + 1:
        raise ValueError(f"a hint level is 1 to {LEVELS}, not {level}")
    if level > LEVELS:
        text = (f"{item}: that was the last hint (hint({item!r}, 1) to {LEVELS} shows them again). "
                f"Worked solutions come from your instructor after the due date; learning alone, see "
                f"docs/students.md.")
    else:
        _shown[item] = max(_shown.get(item, 0), level)
        more = f" (hint({item!r}) again for a stronger one)" if level < LEVELS else ""
        text = f"{item}, hint {level} of {LEVELS}{more}:\n{hints[level - 1]}"
    say(text)

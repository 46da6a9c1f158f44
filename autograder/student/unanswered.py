"""A quiz or schedule cell run before its answer says "not answered yet", not NameError.

A test cell such as ``quiz.check("locks_selfcheck_1", locks_selfcheck_1)`` names the variable
its answer cell sets. Run before that cell has run (or while it still raises
``NotImplementedError``), Python raises ``NameError``, and a raw traceback teaches nothing.
:func:`install` (``import course`` calls it in a notebook) makes IPython show one sentence
instead, for the names of quiz questions and puzzle schedules only; every other NameError
keeps its usual traceback. The cell still fails, so "Run all" stops there and nbgrader's
Validate counts it as unanswered.
"""
from __future__ import annotations

import re

_NAME = re.compile(r"name '([A-Za-z_][A-Za-z0-9_]*)' is not defined")


def answer_names() -> set[str]:
    """The variables that quiz and schedule answer cells set."""
    from autograder.checks.puzzles import PUZZLES
    from autograder.checks.quizzes import QUESTIONS

    return set(QUESTIONS) | set(PUZZLES)


def message(name: str) -> str:
    return (f"{name}: not answered yet. Write your answer in the cell above ({name} = ...), "
            f"run that cell, then run this one again.")


def _show(shell, etype, evalue, tb, tb_offset=None):
    found = getattr(evalue, "name", None) or (_NAME.search(str(evalue)) or [None, None])[1]
    if found and found in answer_names():
        stb = [message(found)]
    else:
        stb = shell.InteractiveTB.structured_traceback(etype, evalue, tb, tb_offset=tb_offset)
    # IPython's run_code only calls a custom handler: displaying is the handler's job, and
    # _showtraceback is how IPython (and ipykernel, which sends the error to the notebook) does it.
    shell._showtraceback(etype, evalue, stb)
    return stb


def install(shell) -> None:
    """Show :func:`message` for a NameError on an answer variable in this IPython shell."""
    shell.set_custom_exc((NameError,), _show)

"""The test-cell grammar: what an autograded test cell asks the trusted grader to decide.

A locked test cell makes exactly one call: ``check("<exercise>", "<suite>")`` (an exercise's
suite of checks on its answer cell), ``quiz.check("<question>", <variable>)`` (a quiz answer)
or ``puzzle.check("<puzzle>", <variable>)`` (a "you are the scheduler" schedule). The grader
reads the call from the cell's source (never runs it) and decides the cell from the answer
cells of the submitted notebook. Anything else is an instructor's error (UngradableCell).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from autograder.parsing import parse

__all__ = ["CheckCall", "QuizCall", "PuzzleCall", "UngradableCell", "read_test_cell", "is_test_cell",
           "answer_cells"]


class UngradableCell(ValueError):
    """An autograded test cell the trusted grader cannot score (an instructor's error)."""


@dataclass(frozen=True)
class CheckCall:
    exercise: str
    suite: str


@dataclass(frozen=True)
class QuizCall:
    question: str
    variable: str


@dataclass(frozen=True)
class PuzzleCall:
    """A "you are the scheduler" exercise: the answer cell sets ``variable`` to a schedule."""
    puzzle: str
    variable: str


def read_test_cell(source: str) -> CheckCall | QuizCall | PuzzleCall:
    """What a locked test cell asks for (see the module docstring); UngradableCell otherwise."""
    try:
        tree = parse(source)
    except SyntaxError as exc:
        raise UngradableCell(f"the test cell is not Python: {exc}") from None
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or node.keywords:
            continue
        func, args = node.func, node.args
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else None
        literal = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        answer_variable = len(args) == 2 and len(literal) == 1 and isinstance(args[1], ast.Name)
        if name == "check" and owner == "quiz" and answer_variable:
            calls.append(QuizCall(literal[0], args[1].id))
        elif name == "check" and owner == "puzzle" and answer_variable:
            calls.append(PuzzleCall(literal[0], args[1].id))
        elif name == "check" and owner in (None, "autograder") and len(args) in (1, 2) \
                and len(literal) == len(args):
            calls.append(CheckCall(literal[0], literal[1] if len(literal) == 2 else "visible"))
    if len(calls) != 1:
        raise UngradableCell("an autograded test cell must make exactly one call, "
                             "check(\"<exercise>\", \"<suite>\"), quiz.check(\"<question>\", <variable>) or "
                             f"puzzle.check(\"<puzzle>\", <variable>); found {len(calls)}")
    return calls[0]


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def is_test_cell(cell) -> bool:
    meta = _nbgrader(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def answer_cells(nb) -> dict[str, str]:
    """grade_id -> source of every answer (solution) code cell, first one wins."""
    found: dict[str, str] = {}
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id"):
            found.setdefault(meta["grade_id"], cell.source)
    return found

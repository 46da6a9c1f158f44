"""Verdicts as test-cell outputs: what nbgrader's SaveAutoGrades reads as a score.

An error output scores the cell 0, a number (an ``execute_result``) is partial credit, and
anything else is full marks. The trusted grader (preprocessors/trusted_scores.py) replaces a
test cell's outputs with these; the notebook self-check (autograder.student) prints them.
"""
from __future__ import annotations

from nbformat.notebooknode import NotebookNode

from autograder.checks import puzzles, quizzes
from autograder.checks.report import NOT_ANSWERED, Report
from autograder.sandbox.checker import CELL_DEADLINE, evaluate_cells
from .test_cells import PuzzleCall, QuizCall, UngradableCell

__all__ = ["stream", "error", "report_outputs", "answer_outputs"]


def stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text.rstrip("\n") + "\n")


def error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


def _partial(points: float) -> NotebookNode:
    return NotebookNode(output_type="execute_result", execution_count=None, metadata={},
                        data={"text/plain": f"{points:g}"})


def report_outputs(report: Report, hidden: bool) -> list[NotebookNode]:
    """A suite's report: its rendering, then nothing (all passed), the points (some) or an error (none)."""
    if report.unanswered:                       # one line, as the kernel's check() says it
        return [error("CheckFailed", f"{report.exercise}: {report.problem}")]
    outputs = [stream(report.render(detailed=not hidden))]
    if report.passed:
        return outputs
    if report.earned > 0:
        return outputs + [_partial(report.earned)]
    first = report.problem or f"{report.failures()[0].name}: {report.failures()[0].message}"
    return outputs + [error("CheckFailed", f"{report.exercise}: {first}")]


def _quiz_outputs(question: str, reply: dict | None, problem: str | None) -> list[NotebookNode]:
    if reply is None:
        return [error("AssertionError", f"your answer could not be evaluated: {problem}")]
    if "error" in reply:
        return [error("AssertionError", reply["error"])]
    right, message = quizzes.verdict(question, reply["value"])
    return [stream(message)] if right else [error("AssertionError", message)]


def _puzzle_outputs(puzzle_id: str, reply: dict | None, problem: str | None) -> list[NotebookNode]:
    """The verdict on a schedule: the grader replays it on its own flawed class, here (no
    student code runs: the answer is a plain list of small ints, and judge() bounds the run)."""
    if reply is None:
        return [error("AssertionError", f"your schedule could not be evaluated: {problem}")]
    if "error" in reply:
        return [error("AssertionError", reply["error"])]
    try:
        verdict = puzzles.judge(puzzle_id, reply["value"])
    except ValueError as exc:
        return [error("AssertionError", str(exc))]
    text = stream(puzzles.feedback(verdict))
    if verdict.broken:
        return [text]
    flawed = puzzles.PUZZLES[puzzle_id].flawed.__name__
    return [text, error("AssertionError", f"{puzzle_id}: your schedule did not break {flawed}")]


def _answer_id(call: QuizCall | PuzzleCall) -> str:
    """The answer cell's grade id: the question's or the puzzle's own id. UngradableCell if unknown."""
    if isinstance(call, PuzzleCall):
        if call.puzzle not in puzzles.PUZZLES:
            raise UngradableCell(f"puzzle.check names an unknown puzzle {call.puzzle!r}; the puzzles are "
                                 f"{', '.join(puzzles.PUZZLES)}")
        return call.puzzle
    if call.question not in quizzes.QUESTIONS:
        raise UngradableCell(f"quiz.check names an unknown question {call.question!r}")
    return call.question


def answer_outputs(calls: list, answers: dict[str, str], *, sandbox, deadline: float,
                   cell_deadline: float = CELL_DEADLINE) -> dict:
    """``{call: outputs}`` for quiz answers and schedules (QuizCall, PuzzleCall): every answer
    cell is evaluated alone in one sandboxed job that sends back plain values, and the grader
    judges those values itself."""
    ids = {call: _answer_id(call) for call in calls}
    cells = [{"id": key, "source": answers[key], "name": call.variable}
             for call, key in ids.items() if key in answers]
    replies, problem = evaluate_cells(cells, sandbox=sandbox, deadline=deadline, cell_deadline=cell_deadline)
    outputs = {}
    for call, key in ids.items():
        reply = replies.get(key) if key in answers else \
            {"error": f"{NOT_ANSWERED}: the notebook has no answer cell '{key}'"}
        judge = _puzzle_outputs if isinstance(call, PuzzleCall) else _quiz_outputs
        outputs[call] = judge(key, reply, problem)
    return outputs

"""The trusted grading path, as two nbgrader preprocessors (see nbgrader_config.py).

``nbgrader autograde`` (from ``make grade``, the command line or the formgrader) runs in the
instructor's process; student code never runs there. Its pipeline here is:

* ``SandboxedExecute`` replaces nbgrader's Execute: the notebook runs in a sandbox
  (autograder.sandbox) and only its outputs come back, filtered to plain text and images and
  capped. They are for the student to read in their feedback; no score comes from them.
* ``TrustedScores`` decides every autograded test cell: it reads each answer cell from the
  notebook being graded (the submitted file, with locked cells restored by nbgrader), runs
  the exercise's check suites on it in a sandboxed checker (after the admission check), or
  evaluates a quiz answer cell in a fresh sandboxed interpreter and compares the value
  itself; then it replaces the test cell's outputs with that verdict, so nbgrader's own
  SaveAutoGrades records exactly the trusted score (an error output: 0; a number: partial
  credit; nothing else: full marks).
"""
from __future__ import annotations

import ast
import tempfile
from dataclasses import dataclass

import nbformat
from nbformat.notebooknode import NotebookNode
from traitlets import Float, Integer, List, Unicode

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.checks import puzzles, quizzes
from autograder.parsing import parse
from autograder.sandbox.checker import CHECK_DEADLINE, TRUSTED_GRADING_ENV, check_answer
from autograder.checks.report import NOT_ANSWERED, Report
from autograder.sandbox import Sandbox, run_job
from .weights import Weights


QUIZ_DEADLINE = 60.0


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


def test_call(source: str) -> CheckCall | QuizCall | PuzzleCall:
    """What a locked test cell asks for: ``check("<exercise>", "<suite>")``,
    ``quiz.check("<question>", <variable>)`` or ``puzzle.check("<puzzle>", <variable>)``.
    UngradableCell for anything else."""
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
        if name == "check" and owner == "quiz" and len(args) == 2 and len(literal) == 1 \
                and isinstance(args[1], ast.Name):
            calls.append(QuizCall(literal[0], args[1].id))
        elif name == "check" and owner == "puzzle" and len(args) == 2 and len(literal) == 1 \
                and isinstance(args[1], ast.Name):
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


# ---------------------------------------------------------------- verdicts as cell outputs
def _stream(text: str) -> NotebookNode:
    return NotebookNode(output_type="stream", name="stdout", text=text.rstrip("\n") + "\n")


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue,
                        traceback=[f"\x1b[0;31m{ename}\x1b[0m: {evalue}"])


def _partial(points: float) -> NotebookNode:
    return NotebookNode(output_type="execute_result", execution_count=None, metadata={},
                        data={"text/plain": f"{points:g}"})


def report_outputs(report: Report, hidden: bool) -> list[NotebookNode]:
    if report.unanswered:                       # one line, as the kernel's check() says it
        return [_error("CheckFailed", f"{report.exercise}: {report.problem}")]
    outputs = [_stream(report.render(detailed=not hidden))]
    if report.passed:
        return outputs
    if report.earned > 0:
        return outputs + [_partial(report.earned)]
    first = report.problem or f"{report.failures()[0].name}: {report.failures()[0].message}"
    return outputs + [_error("CheckFailed", f"{report.exercise}: {first}")]


def quiz_outputs(question: str, reply: dict | None, problem: str | None) -> list[NotebookNode]:
    if reply is None:
        return [_error("AssertionError", f"your answer could not be evaluated: {problem}")]
    if "error" in reply:
        return [_error("AssertionError", reply["error"])]
    right, message = quizzes.verdict(question, reply["value"])
    return [_stream(message)] if right else [_error("AssertionError", message)]


def puzzle_outputs(puzzle_id: str, reply: dict | None, problem: str | None) -> list[NotebookNode]:
    """The verdict on a schedule: the grader replays it on its own flawed class, here (no
    student code runs: the answer is a plain list of small ints, and judge() bounds the run)."""
    if reply is None:
        return [_error("AssertionError", f"your schedule could not be evaluated: {problem}")]
    if "error" in reply:
        return [_error("AssertionError", reply["error"])]
    try:
        verdict = puzzles.judge(puzzle_id, reply["value"])
    except ValueError as exc:
        return [_error("AssertionError", str(exc))]
    text = _stream(puzzles.feedback(verdict))
    if verdict.broken:
        return [text]
    flawed = puzzles.PUZZLES[puzzle_id].flawed.__name__
    return [text, _error("AssertionError", f"{puzzle_id}: your schedule did not break {flawed}")]


class TrustedScores(NbGraderPreprocessor):
    """Scores every autograded test cell from the answer cells, in sandboxes (see module doc)."""

    check_deadline = Float(CHECK_DEADLINE, help="Seconds one suite of checks may take.").tag(config=True)
    quiz_deadline = Float(QUIZ_DEADLINE, help="Seconds the quiz answers of one notebook may take.").tag(config=True)

    def preprocess(self, nb, resources):
        sandbox = Sandbox(parent=self)
        sandbox = sandbox if sandbox.enabled else None
        points = Weights(parent=self).table()          # the course's points: c.Weights.points
        answers = answer_cells(nb)
        tests = [(cell, test_call(cell.source)) for cell in nb.cells if is_test_cell(cell)]
        quiz_replies, quiz_problem = quiz_values(
            [call for _, call in tests if isinstance(call, (QuizCall, PuzzleCall))], answers, sandbox=sandbox,
            deadline=self.quiz_deadline)
        for cell, call in tests:
            if isinstance(call, QuizCall):
                cell.outputs = quiz_outputs(call.question, quiz_replies.get(call.question), quiz_problem)
                continue
            if isinstance(call, PuzzleCall):
                cell.outputs = puzzle_outputs(call.puzzle, quiz_replies.get(call.puzzle), quiz_problem)
                continue
            source = answers.get(call.exercise)
            if source is None:
                report = Report.not_checked(call.exercise, call.suite, _table(call, points),
                                            f"{NOT_ANSWERED}: the notebook has no answer cell "
                                            f"'{call.exercise}' (was it deleted, or its metadata lost?)")
            else:
                report = check_answer(call.exercise, call.suite, source, sandbox=sandbox,
                                      deadline=self.check_deadline, table=_table(call, points))
            cell.outputs = report_outputs(report, hidden=call.suite.startswith("hidden"))
            self.log.info("%s %s: %g of %g points", call.exercise, call.suite, report.earned, report.total)
        return nb, resources


def quiz_values(calls: list, answers: dict[str, str], *, sandbox, deadline: float):
    """{id: {"value": ...} or {"error": ...}} for every quiz answer and every schedule of a
    "you are the scheduler" exercise (QuizCall, PuzzleCall), from one job that evaluates
    each answer cell alone and sends back plain values (autograder/sandbox/job_quiz.py)."""
    cells, replies = [], {}
    for call in calls:
        if isinstance(call, PuzzleCall):
            key = call.puzzle
            if key not in puzzles.PUZZLES:
                raise UngradableCell(f"puzzle.check names an unknown puzzle {key!r}; the puzzles are "
                                     f"{', '.join(puzzles.PUZZLES)}")
        else:
            key = call.question
            if key not in quizzes.QUESTIONS:
                raise UngradableCell(f"quiz.check names an unknown question {key!r}")
        if key in answers:
            cells.append({"id": key, "source": answers[key], "name": call.variable})
        else:
            replies[key] = {"error": f"{NOT_ANSWERED}: the notebook has no answer cell '{key}'"}
    if not cells:
        return replies, None
    job = run_job("quiz", {"cells": cells}, sandbox=sandbox, deadline=deadline)
    values = (job.reply or {}).get("values")
    if not isinstance(values, dict):
        return replies, job.problem or "the quiz job gave no values"
    for cell in cells:
        reply = values.get(cell["id"])
        if isinstance(reply, dict) and (set(reply) == {"value"} or
                                        (set(reply) == {"error"} and isinstance(reply["error"], str))):
            replies[cell["id"]] = reply
    return replies, "the quiz job gave no value for it"


def _table(call: CheckCall, points: dict | None = None) -> list:
    from autograder.checks import suite_table

    return suite_table(call.exercise, call.suite, points)


# ---------------------------------------------------------------- execution in the sandbox
TEXT_MIMETYPES = ("text/plain",)
IMAGE_MIMETYPES = ("image/png", "image/jpeg")


class SandboxedExecute(NbGraderPreprocessor):
    """Runs the notebook in a sandbox and keeps only its outputs (see the module docstring)."""

    timeout = Integer(40, help="Seconds a cell may run before it is interrupted.").tag(config=True)
    iopub_timeout = Integer(5, help="Seconds a cell gets to answer the interrupt.").tag(config=True)
    startup_timeout = Integer(120, help="Seconds a kernel may take to start.").tag(config=True)
    max_output_chars = Integer(20_000, help="Text a cell may output; the rest is cut.").tag(config=True)
    max_image_bytes = Integer(4_000_000, help="Size of one image output (base64 text).").tag(config=True)
    notebook_deadline = Float(600.0, help="Seconds the whole notebook may run in its sandbox.").tag(config=True)
    kernel_name = Unicode("python3", help="Kernel the notebook runs in.").tag(config=True)
    extra_arguments = List([], help="Extra arguments for the kernel.").tag(config=True)

    def preprocess(self, nb, resources):
        sandbox = Sandbox(parent=self)
        self._limits = sandbox.limits()
        folder = resources.get("metadata", {}).get("path") or "."
        payload = {"notebook": nbformat.writes(nb), "execute": {
            "timeout": self.timeout, "iopub_timeout": self.iopub_timeout,
            "startup_timeout": self.startup_timeout, "max_output_chars": self.max_output_chars,
            "kernel_name": self.kernel_name, "extra_arguments": list(self.extra_arguments)}}
        # MPLBACKEND unset: kernels draw inline, so plots reach the feedback (make exports Agg).
        env = {"NBGRADER_EXECUTION": "autograde", TRUSTED_GRADING_ENV: "1", "MPLBACKEND": None}
        with tempfile.TemporaryDirectory(prefix="autograde-work-") as scratch:
            if sandbox.enabled:
                job = run_job("notebook", payload, sandbox=sandbox, deadline=self.notebook_deadline,
                              ro_binds=[(folder, "/submission")], env=env)
            else:
                self.log.warning("executing WITHOUT a sandbox: student code runs as you")
                job = run_job("notebook", {**payload, "submission": folder, "workdir": scratch},
                              sandbox=None, deadline=self.notebook_deadline, env=env)
        problem = job.problem
        if job.reply is not None:
            try:
                self._merge_outputs(nb, nbformat.reads(job.reply["notebook"], as_version=4))
                problem = job.reply.get("problem") or None
            except (ValueError, KeyError, TypeError) as exc:
                problem = f"its executed notebook was rejected: {exc}"
        if problem:
            self.log.warning("notebook execution: %s", problem)
            first = next((c for c in nb.cells if c.cell_type == "code"), None)
            if first is not None:
                first.outputs.insert(0, _error("NotebookNotRun", (
                    f"the notebook could not be run to the end: {problem}. Your test cells were "
                    f"still graded, from your answer cells.")))
        return nb, resources

    def _merge_outputs(self, nb, executed) -> None:
        """Take outputs (only) from the executed copy, cell by cell; sources must match."""
        if len(executed.cells) != len(nb.cells):
            raise ValueError(f"it has {len(executed.cells)} cells instead of {len(nb.cells)}")
        for ours, theirs in zip(nb.cells, executed.cells):
            if ours.cell_type != theirs.cell_type or ours.source != theirs.source:
                raise ValueError("its cells differ from the submitted ones")
        for ours, theirs in zip(nb.cells, executed.cells):
            if ours.cell_type == "code":
                ours.outputs = self._clean(theirs.get("outputs", []))
                count = theirs.get("execution_count")
                ours.execution_count = count if type(count) is int else None

    def _clean(self, outputs) -> list[NotebookNode]:
        """Outputs rebuilt from plain fields: text and images only (no HTML or scripts, which
        would run in the instructor's browser), each capped."""
        kept, chars = [], 0
        for out in outputs if isinstance(outputs, list) else []:
            kind = out.get("output_type") if isinstance(out, dict) else None
            if kind == "stream" and out.get("name") in ("stdout", "stderr"):
                text = _text(out.get("text"))
                piece = NotebookNode(output_type="stream", name=out["name"], text=text)
                size = len(text)
            elif kind in ("display_data", "execute_result"):
                data = out.get("data") if isinstance(out.get("data"), dict) else {}
                clean = {m: _text(data[m]) for m in TEXT_MIMETYPES if m in data}
                clean.update({m: _text(data[m]) for m in IMAGE_MIMETYPES
                              if m in data and len(_text(data[m])) <= self.max_image_bytes})
                if not clean:
                    continue
                piece = NotebookNode(output_type=kind, data=clean, metadata={})
                if kind == "execute_result":
                    piece.execution_count = None
                size = sum(len(clean[m]) for m in TEXT_MIMETYPES if m in clean)
            elif kind == "error":
                piece = _error(_text(out.get("ename"))[:200], _text(out.get("evalue"))[:2_000])
                hit = self._limits.explain(f"{piece.ename}: {piece.evalue}")
                if hit:
                    piece.evalue = f"{piece.evalue} ({hit})".strip()
                trace = out.get("traceback")
                if isinstance(trace, list):
                    piece.traceback = [_text(line)[:2_000] for line in trace[:100]]
                size = sum(len(line) for line in piece.traceback)
            else:
                continue
            if chars + size > self.max_output_chars:
                kept.append(_stream(f"[output truncated: this cell printed more than "
                                    f"{self.max_output_chars} characters]"))
                break
            chars += size
            kept.append(piece)
        return kept


def _text(value) -> str:
    if isinstance(value, list):
        value = "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""

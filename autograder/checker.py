"""Run one exercise's check suite against an answer file, isolated in a subprocess.

``check()`` is what a notebook's test cell calls. The checks themselves run in
``python -m autograder.checker`` so that a student's endless loop, deadlock, output or
stray child process can neither hang nor pollute the kernel: the subprocess has a
deadline, its output goes to a log file (nbgrader zeroes a test cell that writes to
stderr), and its whole process tree is killed when it ends.
"""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from .answers import AnswerError, load_answer
from .processes import become_subreaper, kill_tree
from .report import CheckFailed, PropertyResult, Report

DEFAULT_DEADLINE = float(os.environ.get("AUTOGRADER_CHECK_DEADLINE", 25))


def exercise_module(exercise_id: str):
    try:
        return importlib.import_module(f"autograder.exercises.{exercise_id}")
    except ModuleNotFoundError:
        raise ValueError(f"unknown exercise {exercise_id!r}") from None


def run_suite(exercise_id: str, suite: str, answer_path: Path) -> Report:
    """Run the suite in this process (the subprocess's job)."""
    exercise = exercise_module(exercise_id)
    if suite not in exercise.SUITES:
        raise ValueError(f"{exercise_id} has no {suite!r} suite; choose from {', '.join(exercise.SUITES)}")
    report = Report(exercise_id, suite)
    try:
        answer = exercise.load(load_answer(exercise_id, answer_path))
    except AnswerError as exc:
        points = sum(points for _, points in exercise.SUITES[suite])
        report.results.append(PropertyResult("your answer can be loaded", False, str(exc), points=points))
        return report
    for prop, points in exercise.SUITES[suite]:
        try:
            result = prop(answer)
        except Exception as exc:  # a bug in a check must not read as the student's fault silently
            result = PropertyResult(prop.__name__, False, f"the check itself failed: {type(exc).__name__}: {exc}")
        result.points = points
        report.results.append(result)
    return report


def run_isolated(exercise_id: str, suite: str, answer_path: Path,
                 deadline: float = DEFAULT_DEADLINE) -> Report:
    """Run the suite in a subprocess with a deadline; always returns a Report."""
    with tempfile.TemporaryDirectory(prefix="checker-") as tmp:
        report_path = Path(tmp) / "report.json"
        log_path = Path(tmp) / "output.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "autograder.checker", exercise_id, suite,
                 str(answer_path), str(report_path)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            timed_out = False
            try:
                proc.wait(timeout=deadline)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                kill_tree([proc])
                proc.wait(timeout=10)
        if report_path.exists():
            return Report.from_json(report_path.read_text())
        report = Report(exercise_id, suite)
        if timed_out:
            message = (f"the checks did not finish within {deadline:.0f} s: your code probably deadlocks, "
                       f"waits forever, or loops endlessly")
        else:
            tail = log_path.read_text(errors="replace").strip().splitlines()[-1:] if log_path.exists() else []
            message = f"the checks crashed (exit code {proc.returncode}){': ' + tail[0] if tail else ''}"
        points = sum(points for _, points in exercise_module(exercise_id).SUITES[suite])
        report.results.append(PropertyResult("checks finish", False, message, points=points))
        return report


def check(exercise_id: str, suite: str = "visible", *, deadline: float = DEFAULT_DEADLINE) -> float | None:
    """What a test cell calls: print the verdicts, and tell nbgrader the score.

    All passed: returns None (nbgrader gives the cell full marks). Some passed: returns the
    points earned, which nbgrader takes as the cell's partial credit. None passed: raises
    CheckFailed (0 points)."""
    from course.exercise import answer_path

    try:
        report = run_isolated(exercise_id, suite, answer_path(exercise_id), deadline)
    except Exception as exc:
        # Any failure reads as one line: a traceback would show a hidden test's source.
        raise CheckFailed(f"{exercise_id}: {exc}") from None
    hidden = suite.startswith("hidden")
    print(report.render(detailed=not hidden))
    if report.passed:
        return None
    if report.earned > 0:
        return report.earned
    first = report.failures()[0]
    raise CheckFailed(f"{exercise_id}: {first.name}: {first.message}")


def _main(argv: list[str]) -> int:
    exercise_id, suite, answer_path, report_path = argv
    warnings.simplefilter("ignore")   # a warning is not the student's verdict; keep output clean
    become_subreaper()                # so even children that called setsid() are ours to kill
    try:
        report = run_suite(exercise_id, suite, Path(answer_path))
        Path(report_path).write_text(report.to_json())
    finally:
        kill_tree(include_my_children=True)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

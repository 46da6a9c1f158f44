"""Self-check: run every graded exercise's checks (visible and hidden) on a notebook, from
the command line, and get the verdicts the grader would give."""
from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat

from .answers import cell_to_module_source
from .checker import exercise_module, run_isolated

EXERCISES = ("safe_counter", "bounded_queue", "lock_ordering")


def answer_cells(nb) -> dict[str, str]:
    found = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in EXERCISES and cell.cell_type == "code":
            found[grade_id] = cell.source
    return found


def run_all_suites(exercise_id: str, path: Path, say=print) -> tuple[float, float]:
    """Every suite of one exercise, rendered as feedback renders it; returns (earned, total)."""
    earned = total = 0.0
    for suite in exercise_module(exercise_id).SUITES:
        report = run_isolated(exercise_id, suite, path)
        say(report.render(detailed=not suite.startswith("hidden")))
        earned, total = earned + report.earned, total + report.total
    say(f"=> {exercise_id}: the grader would award {earned:g} of {total:g} points\n")
    return earned, total


def self_check(say=print) -> None:
    """From inside a notebook: check every exercise whose %%exercise cell has run."""
    from course.exercise import answered

    done = answered()
    if not done:
        say("No exercise answered yet: run your %%exercise cells first.")
    for exercise_id, path in done.items():
        run_all_suites(exercise_id, path, say)


def selfcheck(notebook: Path, say=print) -> bool:
    """Returns True when every suite of every exercise in the notebook passes."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:
        say(f"{notebook}: cannot read it as a notebook: {exc}")
        return False
    answers = answer_cells(nb)
    if not answers:
        say(f"{notebook}: no graded answer cell found (expected one with grade_id "
            f"{' / '.join(EXERCISES)}; did the cell's nbgrader metadata get lost?)")
        return False
    all_passed = True
    with tempfile.TemporaryDirectory(prefix="selfcheck-") as tmp:
        for exercise_id, source in answers.items():
            path = Path(tmp) / f"answer_{exercise_id}.py"
            path.write_text(cell_to_module_source(source))
            earned, total = run_all_suites(exercise_id, path, say)
            all_passed &= earned == total
    return all_passed

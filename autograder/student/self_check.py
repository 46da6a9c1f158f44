"""Self-check: the verdicts the grader would give, before submitting.

``check_my_answers()`` in a notebook checks every exercise whose ``%%exercise`` cell has run
in this kernel (visible and hidden suites) and every puzzle schedule the notebook has set.
``check_notebook(path)`` (``make selfcheck NB=...``) reads a notebook file as the grader does:
each exercise's answer cell goes through every suite, as when grading; each quiz answer and
schedule is evaluated on its own and judged. No sandbox: this is the student's own machine.
"""
from __future__ import annotations

from pathlib import Path

from autograder.checks import EXERCISES, exercise_for
from autograder.environment import being_graded, being_validated
from autograder.sandbox.checker import QUIZ_DEADLINE
from .checking import reports_of


def run_all_suites(exercise_id: str, source: str, say=print) -> tuple[float, float]:
    """Every suite of one exercise, rendered as feedback renders it; returns (earned, total)."""
    earned = total = 0.0
    for suite, report in reports_of(exercise_id, source).items():
        say(report.render(detailed=not suite.startswith("hidden")))
        earned, total = earned + report.earned, total + report.total
    say(f"=> {exercise_id}: the grader would award {earned:g} of {total:g} points\n")
    return earned, total


def check_my_answers(say=print, namespace: dict | None = None) -> None:
    """Check every exercise whose %%exercise cell has run, and every "you are the scheduler"
    schedule set in the notebook (``namespace``: the notebook's variables, by default
    IPython's). Under nbgrader it only says so: the grader checks the submitted file itself,
    and the test cells above have run the visible checks."""
    from autograder.checks.answers import answered
    from autograder.checks.puzzles import PUZZLES, feedback, judge

    if being_graded() or being_validated():
        say("check_my_answers: skipped under nbgrader; the grader checks your submitted answers itself")
        return
    if namespace is None:
        try:
            from IPython import get_ipython
            namespace = get_ipython().user_ns if get_ipython() is not None else {}
        except ImportError:
            namespace = {}
    done = answered()
    schedules = {p: namespace[p] for p in PUZZLES if p in namespace}
    if not done and not schedules:
        say("No exercise answered yet: run your %%exercise cells (and your schedule cells) first.")
    for exercise_id, path in done.items():
        run_all_suites(exercise_id, path.read_text(), say)
    for puzzle_id, schedule in schedules.items():
        try:
            verdict = judge(puzzle_id, schedule)
        except ValueError as exc:
            say(f"[FAIL] {puzzle_id}: {exc}")
            continue
        say(f"[{'PASS' if verdict.broken else 'FAIL'}] {puzzle_id}: " + feedback(verdict).splitlines()[0])


def answer_verdicts(nb, say=print) -> tuple[int, int]:
    """(right, asked) for the notebook's quiz questions and "you are the scheduler"
    schedules, each answer evaluated on its own, as the trusted grader does."""
    from autograder.instructor.test_cells import (CheckCall, PuzzleCall, UngradableCell, answer_cells,
                                                  is_test_cell, read_test_cell)
    from autograder.instructor.verdicts import answer_outputs

    calls = []
    for cell in nb.cells:
        if is_test_cell(cell):
            try:
                call = read_test_cell(cell.source)
            except UngradableCell:
                continue
            if not isinstance(call, CheckCall):
                calls.append(call)
    if not calls:
        return 0, 0
    outputs = answer_outputs(calls, answer_cells(nb), sandbox=None, deadline=QUIZ_DEADLINE)
    right = 0
    for call in calls:
        kind, key = ("schedule", call.puzzle) if isinstance(call, PuzzleCall) else ("quiz", call.question)
        ok = all(o.output_type != "error" for o in outputs[call])
        right += ok
        text = outputs[call][0].get("text") or outputs[call][0].get("evalue")
        say(f"[{'PASS' if ok else 'FAIL'}] {kind} {key}: {text.strip()}")
    say(f"=> quiz and schedules: {right} of {len(calls)} answers right\n")
    return right, len(calls)


def check_notebook(notebook: Path, say=print) -> bool:
    """True when every graded exercise and every quiz answer in the notebook would get full marks."""
    import nbformat

    from autograder.instructor.test_cells import answer_cells

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:
        say(f"{notebook}: cannot read it as a notebook: {exc}")
        return False
    say(f"# {notebook}")
    answers = answer_cells(nb)
    exercises = [e for e in EXERCISES if e in answers]
    right, asked = answer_verdicts(nb, say)
    if not exercises and not asked:
        say(f"{notebook}: nothing to check (no graded exercise or quiz question in it)\n")
        return True
    all_passed = right == asked
    for exercise_id in exercises:
        earned, total = run_all_suites(exercise_id, answers[exercise_id], say)
        all_passed &= earned == total
    return all_passed

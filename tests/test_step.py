"""Click to step (autograder.step) and break it, then fix it (puzzle.fix), without a browser.

The Stepper answers where a scenario stands after a schedule; the widget (ipywidgets, built
here without a front end) follows it click by click; the fix cells' solutions in source/ are
certified by a complete DPOR search, their released stubs are not. The browser test
(tests/test_browser_lab.py) clicks the same widget in JupyterLab.
"""
from __future__ import annotations

import nbformat
import pytest

from autograder.checks.puzzles import PUZZLES, judge
from autograder.student.fixes import verify_fix
from autograder.student.step import step
from autograder.student.stepping import Stepper
from tests.testkit import REPO

BREAKS = {"counter_schedule": [1, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1], "bank_schedule": [1, 2, 2, 1]}
FIXES = {"counter_schedule": ("02-locks", "counter_fix", "FixedCounter"),
         "queue_schedule": ("05-conditions", "queue_fix", "FixedSlot"),
         "bank_schedule": ("06-deadlock", "bank_fix", "FixedAuditBank")}


def stepper(puzzle_id: str) -> Stepper:
    puzzle = PUZZLES[puzzle_id]
    return Stepper(puzzle.scenario, title=puzzle_id, invariant=puzzle.invariant)


def test_each_position_says_who_can_move_what_they_would_do_and_the_shared_state():
    counter = stepper("counter_schedule")
    start = counter.position([])
    assert start.movable == [1, 2] and not start.steps and not start.over
    assert start.next_steps[1].text == "P1 acquires _lock" and start.next_steps[1].code == "with self._lock:"
    after = counter.position([1, 1])
    assert after.holders == {"_lock": ["P1"]} and after.values == {"_total": "0"}
    # A blocked acquire is a step of its own: it uses up an entry, though P2 gets nothing.
    assert after.next_steps[2].text == "P2 blocks on _lock (held by P1)"
    blocked = counter.position([1, 2])
    assert blocked.waiters == {"_lock": ["P2"]} and blocked.movable == [1]
    # "finishes" takes no entry: P2's last release ends it, and it cannot move any more.
    done = counter.position([1, 1, 1, 2, 2, 2, 2, 2, 2])
    assert 2 in done.finished and done.next_steps[2] is None and done.movable == [1]


@pytest.mark.parametrize("puzzle_id", sorted(BREAKS))
def test_clicking_a_breaking_schedule_ends_where_the_graded_replay_does(puzzle_id):
    end = stepper(puzzle_id).position(BREAKS[puzzle_id])
    assert end.over and end.broken and end.movable == [] and end.decisive
    assert judge(puzzle_id, BREAKS[puzzle_id]).broken          # the same list is a right answer
    if puzzle_id == "bank_schedule":
        assert end.holders == {"_locks[0]": ["P1"], "_locks[1]": ["P2"]}
        assert "deadlock" in end.outcome


def test_a_schedule_that_asks_a_process_that_cannot_move_is_refused():
    with pytest.raises(ValueError, match="asks P2 for a step it cannot take"):
        stepper("counter_schedule").position([1, 2, 2])


def test_the_widget_follows_clicks_undo_reset_and_copies_the_answer(monkeypatch):
    widget = step("counter_schedule")              # no IPython here: the widget is returned
    p1, p2 = widget.buttons
    for pid in BREAKS["counter_schedule"]:
        widget.click(pid)
    assert "It broke: after two increments the counter is 1, not 2" in widget.outcome.value
    assert p1.disabled and p2.disabled and p2.description == "P2: finished"
    assert "counter_schedule = [1, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1]" in widget.schedule_text.value
    widget.back()
    assert not p1.disabled and p1.description == "P1: releases _lock" and "It broke" not in widget.outcome.value
    assert "◀ P1 next" in widget.code.value
    namespace = {}

    class Shell:
        user_ns = namespace
    monkeypatch.setattr("IPython.get_ipython", lambda: Shell())
    widget.copy_schedule()
    assert namespace["counter_schedule"] == BREAKS["counter_schedule"][:-1]
    widget.restart()
    assert widget.schedule == [] and widget.undo.disabled


def test_stepping_the_students_own_class(tmp_path):
    from autograder.checks.answers import save_answer

    save_answer("safe_counter", (REPO / "tests" / "corpus" / "safe_counter" / "bad_no_lock.py").read_text())
    widget = step("safe_counter")
    for pid in (1, 2, 1, 2):                      # both read 0, then both write 1
        widget.click(pid)
    assert "It broke: after two increment() calls the counter is 1, not 2" in widget.outcome.value


def fix_cell(lesson: str, grade_id: str, tree: str) -> str:
    nb = nbformat.read(REPO / tree / lesson / f"{lesson}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


@pytest.mark.parametrize("puzzle_id", sorted(FIXES))
def test_the_fix_cells_solution_is_certified_and_its_stub_and_the_bug_are_not(puzzle_id):
    lesson, grade_id, name = FIXES[puzzle_id]
    solved, stub = {}, {}
    exec(fix_cell(lesson, grade_id, "source"), solved)
    verdict = verify_fix(puzzle_id, solved[name])
    assert verdict.fixed and verdict.complete, verdict.message
    assert verdict.message.startswith("Fixed: all ") and "distinct interleavings explored" in verdict.message
    exec(fix_cell(lesson, grade_id, "release"), stub)
    assert not verify_fix(puzzle_id, stub[name]).fixed
    broken = verify_fix(puzzle_id, PUZZLES[puzzle_id].flawed)
    assert not broken.fixed and broken.message.startswith("Not fixed yet: ") and broken.failure is not None


def test_puzzle_fix_prints_the_certificate_or_the_story():
    from autograder.student import puzzle

    said = []
    puzzle.fix("bank_schedule", PUZZLES["bank_schedule"].flawed, picture=False, say=said.append)
    assert said[0].startswith("Not fixed yet: deadlock") and "The steps that show it:" in said

""""You are the scheduler": each lesson's solution schedule breaks its flawed class, others do
not, and the trusted path scores the schedule as the grader's own replay decides: the
answer cell is evaluated in a quiz job (a plain value), the replay runs the grader's class.
The breaking schedules live in source/ only, so they are read from there."""
from __future__ import annotations

import nbformat
import pytest

from autograder.checks.puzzles import PUZZLES, feedback, judge
from autograder.instructor.test_cells import PuzzleCall, UngradableCell, read_test_cell
from autograder.instructor.verdicts import answer_outputs
from tests.testkit import REPO

LESSON_OF = {"counter_schedule": "02-locks", "queue_schedule": "05-conditions", "bank_schedule": "06-deadlock"}


def cell(lesson: str, grade_id: str, tree: str = "source") -> str:
    nb = nbformat.read(REPO / tree / lesson / f"{lesson}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def solution(puzzle_id: str):
    """The schedule the lesson's solution cell sets (evaluated like the quiz job does)."""
    namespace: dict = {}
    exec(cell(LESSON_OF[puzzle_id], puzzle_id), namespace)
    return namespace[puzzle_id]


def test_every_puzzle_is_in_its_lesson_with_a_graded_test_cell():
    assert set(LESSON_OF) == set(PUZZLES)
    for puzzle_id, lesson in LESSON_OF.items():
        assert read_test_cell(cell(lesson, f"{puzzle_id}_test")) == PuzzleCall(puzzle_id, puzzle_id)
        released = cell(lesson, puzzle_id, tree="release")
        assert "raise NotImplementedError()" in released and "= [" not in released.split("\n", 1)[1]


@pytest.mark.parametrize("puzzle_id", sorted(PUZZLES))
def test_the_solution_schedule_breaks_the_flawed_class_and_says_how(puzzle_id):
    verdict = judge(puzzle_id, solution(puzzle_id))
    assert verdict.broken, verdict.message
    text = feedback(verdict)
    assert text.startswith("You broke it: ")
    assert verdict.decisive and all(f"{s.index:>2}. {s.text}" in text for s in verdict.decisive)
    assert len(text.splitlines()) <= 15


def test_what_each_solution_shows():
    assert "an update was lost" in judge("counter_schedule", solution("counter_schedule")).message
    queue = judge("queue_schedule", solution("queue_schedule")).message
    assert "P2 got 1 and P3 got 1" in queue and "P3 went on without checking _full again" in queue
    assert "deadlock: P1 and P2 each hold one lock" in judge("bank_schedule", solution("bank_schedule")).message


@pytest.mark.parametrize("puzzle_id", sorted(PUZZLES))
def test_the_default_run_breaks_nothing(puzzle_id):
    verdict = judge(puzzle_id, [])
    assert not verdict.broken and verdict.message.startswith("nothing broke")


def test_a_schedule_naming_a_process_that_cannot_move_is_explained():
    verdict = judge("bank_schedule", [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])     # P1 finished after 8 steps
    assert not verdict.broken and verdict.stuck is not None
    assert "asks P1 for a step, but it has finished" in verdict.message


@pytest.mark.parametrize("schedule,message", [
    ("1, 2", "a schedule is a list of process numbers"),
    ([1, 3], "entry 2 of your schedule is 3; each entry is a process number from 1 to 2"),
    ([1, True], "entry 2 of your schedule is True"),
    ([1] * 51, "at most 50"),
    (None, "no answer yet"),
])
def test_bad_schedules_are_refused_with_a_reason(schedule, message):
    with pytest.raises(ValueError, match=message):
        judge("bank_schedule", schedule)


def test_the_trusted_path_scores_the_schedule_from_the_answer_cell():
    answers = {"counter_schedule": cell("02-locks", "counter_schedule"),
               "bank_schedule": "bank_schedule = [2, 2, 2]",
               "queue_schedule": cell("05-conditions", "queue_schedule", tree="release")}
    outputs = answer_outputs([PuzzleCall(p, p) for p in answers], answers, sandbox=None, deadline=60)
    right = outputs[PuzzleCall("counter_schedule", "counter_schedule")]
    assert [o.output_type for o in right] == ["stream"]                       # full marks
    assert right[0].text.startswith("You broke it: after two increments the counter is 1")
    wrong = outputs[PuzzleCall("bank_schedule", "bank_schedule")]
    assert [o.output_type for o in wrong] == ["stream", "error"]              # 0 points
    assert wrong[1].evalue == "bank_schedule: your schedule did not break ReverseAuditBank"
    unanswered = outputs[PuzzleCall("queue_schedule", "queue_schedule")]
    assert [o.output_type for o in unanswered] == ["error"] and "no answer yet" in unanswered[0].evalue


def test_an_unknown_puzzle_is_an_instructors_error():
    assert read_test_cell('puzzle.check("nope", nope)') == PuzzleCall("nope", "nope")
    with pytest.raises(UngradableCell, match="unknown puzzle 'nope'"):
        answer_outputs([PuzzleCall("nope", "nope")], {}, sandbox=None, deadline=60)


def test_the_notebook_check_fails_unless_the_schedule_breaks_it(capsys, monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    from autograder import puzzle

    monkeypatch.delenv("AUTOGRADER_TRUSTED_GRADING", raising=False)
    puzzle.check("bank_schedule", solution("bank_schedule"))
    out = capsys.readouterr().out
    assert "You broke it: deadlock" in out and "Every step (* = the ones above):" in out
    with pytest.raises(AssertionError, match="your schedule did not break ReverseAuditBank"):
        puzzle.check("bank_schedule", [2])
    with pytest.raises(AssertionError, match="entry 1 of your schedule is 0"):
        puzzle.check("bank_schedule", [0])


def test_check_my_answers_in_a_notebook_judges_the_schedules_it_finds(monkeypatch):
    from autograder.checks import answers
    from autograder.student.self_check import check_my_answers

    monkeypatch.setattr(answers, "_answers", {})                  # no exercise answered here
    said = []
    check_my_answers(say=said.append, namespace={"counter_schedule": solution("counter_schedule"),
                                           "bank_schedule": [2], "unrelated": [1]})
    assert said[0].startswith("[PASS] counter_schedule: You broke it: after two increments")
    assert said[1].startswith("[FAIL] bank_schedule: Nothing broke")
    assert len(said) == 2

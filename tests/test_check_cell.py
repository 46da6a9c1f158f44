"""What a test cell sees: the printed verdicts and the score nbgrader will record."""
import pytest

import autograder
from autograder.checks.report import CheckFailed
from tests.testkit import REPO
from autograder.checks.answers import save_answer

SAMPLES = REPO / "demo" / "submissions" / "02-locks"


def answer(sample: str) -> None:
    text = (SAMPLES / f"{sample}.py").read_text()
    save_answer("safe_counter", text.split("\n", 1)[1])


def test_correct_answer_gets_full_marks(capsys):
    answer("correct")
    assert autograder.check("safe_counter", "visible") is None     # nbgrader: full points
    assert "all passed (3 of 3 points)" in capsys.readouterr().out


def test_partly_correct_answer_returns_partial_points(capsys):
    answer("racy")
    points = autograder.check("safe_counter", "visible")
    # the "lost updates" class (1.5, what the exercise is named for) fails on every run, told
    # from the interleaving check whatever real processes showed: the same points every run
    assert points == 1.5                                             # nbgrader: partial credit
    out = capsys.readouterr().out
    assert "[FAIL] no update lost or unseen" in out
    assert "found by “no lost updates in any interleaving" in out
    assert "P1 reads _total = 0" in out                               # the decisive steps
    assert "line 12: self._total.value += n" in out                   # with the student's line
    assert "Fix: Hold one ctx lock around the whole read-add-write" in out
    assert 'autograder.replay("safe_counter", "atomic_under_controlled_interleavings")' in out
    assert "seed" not in out and "strategy=" not in out               # no raw replay lines
    assert "updates were lost" in out


def test_the_other_test_cell_reuses_the_run_while_the_answer_is_unchanged(capsys):
    from autograder.student.checking import reports_of

    answer("racy")
    autograder.check("safe_counter", "visible")
    source = (SAMPLES / "racy.py").read_text().split("\n", 1)[1]
    first = reports_of("safe_counter", source)
    assert reports_of("safe_counter", source) is first                  # no second run
    assert autograder.check("safe_counter", "hidden") == first["hidden"].earned
    assert "[FAIL] no update lost or unseen" in capsys.readouterr().out
    answer("correct")                                                    # a new answer runs afresh
    assert autograder.check("safe_counter", "hidden") is None


def test_nothing_passing_raises_a_one_line_failure():
    save_answer("safe_counter", "x = 1\n")
    with pytest.raises(CheckFailed, match="defines no class named SafeCounter") as info:
        autograder.check("safe_counter", "hidden")
    assert info.value._render_traceback_() == [f"\x1b[0;31mCheckFailed\x1b[0m: {info.value}"]


def test_missing_answer_cell_is_explained_in_one_line():
    from autograder.checks import answers
    answers._answers.pop("safe_counter", None)
    with pytest.raises(CheckFailed, match=r"^safe_counter: not answered yet: run your `%%exercise "
                                          r"safe_counter` cell first") as info:
        autograder.check("safe_counter", "visible")
    assert "\n" not in str(info.value)


def test_release_placeholder_is_not_answered_yet_in_one_line():
    save_answer("safe_counter", (
        "class SafeCounter:\n"
        "    def __init__(self, initial=0, *, ctx=None):\n"
        "        raise NotImplementedError()\n"))
    with pytest.raises(CheckFailed, match=r"^safe_counter: not answered yet: __init__\(\) still raises "
                                          r"NotImplementedError") as info:
        autograder.check("safe_counter", "visible")
    assert "\n" not in str(info.value)

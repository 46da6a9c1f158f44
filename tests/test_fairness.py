"""Grades a student cannot argue with (issue 18): the fairness corpus in tests/fairness/.

Each file is an answer, graded through both suites exactly as grading runs them
(``check_suites``: a judge job whose checks reach the answer through workers), here without
the sandbox. Its header says what it must get:

    EXPECT: pass | fail
    FAILS: the failure classes it must lose (weights.POINTS row ids), or none
    RACY: yes | no      (yes: graded 4 times, identical scores and identical text)
    WHY: one sentence

* a correct answer (``EXPECT: pass``, harmless imports included) keeps full marks;
* a wrong one loses every class it names, and a deadlock costs at least half the exercise;
* a racy one gets the same score and the same verdict text on 4 runs.

Besides: the plain-attribute counter of tests/corpus is told that each process changed its
own copy, with a fix that fits; no feedback prints a number wider than 12 digits.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.checks.weights import POINTS
from autograder.sandbox.checker import check_suites
from .checkkit import CheckAhead

HERE = Path(__file__).resolve().parent
FAIRNESS = HERE / "fairness"
HEADER = re.compile(r'^"""EXPECT: (pass|fail)\s*\nFAILS: ([\w, ]+)\s*\nRACY: (yes|no)\s*\nWHY: ', re.M)
RUNS = 4


def answers():
    return sorted(FAIRNESS.glob("*/*.py"))


def header(path: Path):
    match = HEADER.match(path.read_text())
    assert match, f"{path.name}: the header (EXPECT/FAILS/RACY/WHY docstring) is missing"
    fails = [] if match.group(2).strip() == "none" else [c.strip() for c in match.group(2).split(",")]
    return match.group(1), fails, match.group(3) == "yes"


def grade(exercise: str, source: str) -> dict:
    """{suite: Report}: both suites from one judge job, as grading runs them."""
    return check_suites(exercise, {"visible": None, "hidden": None}, source)


def text(reports: dict) -> str:
    return "\n".join(report.render() for report in reports.values())


@pytest.fixture(scope="module")
def graded(request):
    """Every run of the selected answers (a racy one RUNS times), checked one ahead (checkkit)."""
    ahead = CheckAhead()
    for item in request.session.items:
        if getattr(item, "originalname", None) == "test_fairness_answer":
            path = item.callspec.params["path"]
            for run in range(RUNS if header(path)[2] else 1):
                ahead.plan((path, run), lambda path=path: grade(path.parent.name, path.read_text()))
    yield ahead
    ahead.close()


@pytest.mark.parametrize("path", answers(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fairness_answer(path, graded):
    exercise, (expect, fails, racy) = path.parent.name, header(path)
    runs = [graded.result((path, run)) for run in range(RUNS if racy else 1)]
    reports = runs[0]
    for report in reports.values():
        assert not report.problem, text(reports)
    earned = sum(r.earned for r in reports.values())
    total = sum(sum(POINTS[exercise][suite].values()) for suite in reports)
    if expect == "pass":
        assert earned == total, f"{path.name} is correct but earned {earned:g} of {total:g}\n{text(reports)}"
    failed = {r.id for report in reports.values() for r in report.failures()}
    missing = set(fails) - failed
    assert not missing, f"{path.name} should lose {sorted(missing)}\n{text(reports)}"
    if expect == "fail":
        assert failed, f"{path.name} lost nothing\n{text(reports)}"
    if "deadlock" in fails:
        assert earned <= total / 2, f"{path.name} deadlocks but earned {earned:g} of {total:g}\n{text(reports)}"
    assert not re.search(r"\d{13,}", text(reports).replace(",", "")), text(reports)
    for other in runs[1:]:
        assert [r.earned for r in other.values()] == [r.earned for r in reports.values()], (
            f"{path.name}: {earned:g} points, then {sum(r.earned for r in other.values()):g}")
        assert text(other) == text(reports), f"{path.name}: the verdict text differs between runs\n" \
                                             f"first:\n{text(reports)}\n\nlater:\n{text(other)}"


def test_a_plain_attribute_under_a_lock_is_told_it_is_not_shared():
    reports = grade("safe_counter", (HERE / "corpus" / "safe_counter" / "bad_plain_int.py").read_text())
    row = {r.id: r for r in reports["visible"].results}["not_shared"]
    assert not row.passed
    assert "each process changed its own copy: P1's increments never reached P2" in row.message, row.render()
    assert "shared memory" in row.fix and "Hold one ctx lock around" not in row.fix, row.render()

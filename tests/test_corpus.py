"""The graded exercises' checks against the corpus of known-good and known-bad answers.

Every file in tests/corpus/<exercise>/ is run through both suites (visible and hidden) exactly
as grading runs them: ``check_suites`` reads the text and runs both suites in one fresh judge job
(``python -m autograder.sandbox.inside``), here without the sandbox. Every ``good_*`` answer must pass
every property; every ``bad_*`` answer must fail at least one. A suite must always finish
with a verdict per property (no "not checked" report), and no check may crash. Seeded
controlled runs, one-process runs and real runs with one child at a time are deterministic;
what a race does to several real processes at once fails a property when it shows (evidence)
and may not show on every run. So every answer's verdicts must be the ones recorded in
tests/corpus/verdicts.json on an earlier run: the same properties failed, apart from those
failed on evidence, with the same message and fix (see tests/corpus/README.md for the rule
and for recording them again with --record-verdicts). Racy answers graded four times with
identical scores and text: tests/test_fairness.py.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograder.sandbox.checker import check_suites
from .checkkit import CheckAhead

CORPUS = Path(__file__).resolve().parent / "corpus"
VERDICTS = CORPUS / "verdicts.json"
EXERCISES = ("safe_counter", "bounded_queue", "lock_ordering")
SUITES = ("visible", "hidden")
HEADER = re.compile(r'^"""EXPECT: (pass|fail)\s*\nBUG: ([\w-]+)\s*\nWHY: ', re.M)


def corpus_files():
    for exercise in EXERCISES:
        for path in sorted((CORPUS / exercise).glob("*.py")):
            yield exercise, path


def header(path: Path) -> tuple[str, str]:
    match = HEADER.match(path.read_text())
    assert match, f"{path.name}: the corpus header (EXPECT/BUG/WHY docstring) is missing"
    return match.group(1), match.group(2)


def run_both(exercise: str, path: Path) -> dict:
    """{suite: Report} for the corpus file as the answer of ``exercise``: both suites from one
    judge job, as grading runs them (every suite's rows come from the same run of every check)."""
    return check_suites(exercise, dict.fromkeys(SUITES), path.read_text())


def describe(reports: dict) -> str:
    return "\n".join(report.render() for report in reports.values())


def failing(reports: dict, *, evidence: bool | None = None) -> list[str]:
    """Failed properties; with ``evidence`` only those that did (True) or did not (False) fail
    on what a real concurrent run happened to show."""
    return [f"{suite}: {r.name}" for suite, report in reports.items() for r in report.failures()
            if evidence is None or r.evidence == evidence]


def recorded(report) -> dict:
    """One suite's verdicts as verdicts.json keeps them: per property whether it passed and
    whether it failed on real-run evidence; for a failure its fix, and its message unless it
    rests on evidence (that message is what a race happened to show on that run)."""
    verdicts = {"__problem__": report.problem}
    for r in report.results:
        verdicts[r.id] = {"passed": r.passed, "evidence": r.evidence}
        if not r.passed:
            verdicts[r.id].update({"fix": r.fix} if r.evidence else {"message": r.message, "fix": r.fix})
    return verdicts


def verdict_changes(answer: str, reports: dict, verdicts: dict) -> list[str]:
    """How ``reports`` differ from the recorded ``verdicts`` of ``answer``. A property that
    failed on evidence in either may pass in the other (a race shows on some runs only); every
    other property must pass or fail as recorded, a failure with the same message and fix."""
    changes = []
    for suite, report in reports.items():
        want, got = verdicts.get(suite, {}), recorded(report)
        if got.keys() != want.keys():
            changes.append(f"{answer} {suite}: properties {list(got)}, recorded {list(want)}")
            continue
        if got["__problem__"] != want["__problem__"]:
            changes.append(f"{answer} {suite}: problem {got['__problem__']!r}, recorded {want['__problem__']!r}")
        for prop in [p for p in got if p != "__problem__"]:
            now, then = got[prop], want[prop]
            where = f"{answer} {suite} {prop}"
            if now["passed"] != then["passed"]:
                if not (now["evidence"] or then["evidence"]):
                    verdict = "passed, recorded failed" if now["passed"] else "failed, recorded passed"
                    changes.append(f"{where}: {verdict}: {now.get('message') or then.get('message')}")
                continue
            for field in ("message", "fix"):
                if field in now and field in then and now[field] != then[field]:
                    changes.append(f"{where}: {field} changed\n    now:      {now[field]}\n    recorded: {then[field]}")
    return changes


@pytest.fixture(scope="module")
def checked(request):
    """The selected corpus answers' reports, checked one ahead in collection order (checkkit)."""
    ahead = CheckAhead()
    for item in request.session.items:
        if getattr(item, "originalname", None) == "test_corpus_answer":
            exercise, path = item.callspec.params["exercise"], item.callspec.params["path"]
            ahead.plan((exercise, path.name), lambda exercise=exercise, path=path: run_both(exercise, path))
    yield ahead
    ahead.close()


@pytest.fixture
def verdicts(request):
    """The recorded verdicts, or with --record-verdicts a dict whose changes are written back."""
    book = json.loads(VERDICTS.read_text()) if VERDICTS.exists() else {}
    record = request.config.getoption("--record-verdicts")
    yield book, record
    if record:
        VERDICTS.write_text(json.dumps(book, indent=1, sort_keys=True) + "\n")


@pytest.mark.parametrize("exercise,path", list(corpus_files()),
                         ids=[f"{e}/{p.stem}" for e, p in corpus_files()])
def test_corpus_answer(exercise, path, verdicts, checked):
    expect, bug = header(path)
    assert (expect == "pass") == path.name.startswith("good_"), f"{path.name}: EXPECT: {expect}"
    reports = checked.result((exercise, path.name))
    for suite, report in reports.items():
        assert not report.problem, f"{path.name} {suite}: no property was checked\n{report.render()}"
        crashed = [r for r in report.results if r.message.startswith("the check itself failed")]
        assert not crashed, f"{path.name} {suite}: a check crashed: {crashed[0].message}"
    if expect == "pass":
        failures = [f"{suite}: {r.name}: {r.message}" for suite, report in reports.items()
                    for r in report.failures()]
        assert not failures, (f"{path.name} is correct but failed:\n" + "\n".join(failures) +
                              "\n\n" + describe(reports))
    else:
        assert failing(reports), (f"{path.name} (BUG: {bug}) passed every property; it should "
                                  f"fail at least one\n\n{describe(reports)}")
    book, record = verdicts
    answer = f"{exercise}/{path.stem}"
    if record:
        book[answer] = {suite: recorded(report) for suite, report in reports.items()}
    else:
        assert answer in book, f"{answer} has no recorded verdicts: record them (tests/corpus/README.md)"
        changes = verdict_changes(answer, reports, book[answer])
        assert not changes, "verdicts differ from tests/corpus/verdicts.json:\n" + "\n".join(changes)

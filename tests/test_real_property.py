"""How a real-process property orders its runs (checks/real_property.real_property): every
start method's run with one child comes before any run of several processes at once, and the
first failure of a run alone ends the property, so an object that spawn cannot send fails at
once instead of after a run together under fork that hangs until its deadline."""
from __future__ import annotations

from autograder.checks.real_property import RealOutcome, real_property
from autograder.checks.settings import Checks, use

METHODS = ["fork", "spawn", "forkserver"]


def run(alone_problems: dict, together_outcomes: dict):
    calls = []

    def alone(method):
        calls.append(("alone", method))
        return RealOutcome(f"alone under {method}", alone_problems.get(method))

    def together(method):
        calls.append(("together", method))
        return together_outcomes.get(method, RealOutcome(f"together under {method}"))

    with use(Checks(start_methods=METHODS)):
        result = real_property("title", alone, together, fix="the fix")
    return result, calls


def test_every_run_alone_comes_before_any_run_together():
    result, calls = run({}, {})
    assert result.passed
    assert calls == [("alone", m) for m in METHODS] + [("together", m) for m in METHODS]


def test_a_failure_alone_under_a_later_method_ends_the_property_before_any_run_together():
    hung_under_fork = RealOutcome("together under fork", late=True, hung=True)
    result, calls = run({"spawn": "cannot be sent under spawn"}, {"fork": hung_under_fork})
    assert not result.passed
    assert result.message == "cannot be sent under spawn" and not result.evidence
    assert calls == [("alone", "fork"), ("alone", "spawn")]


def test_evidence_or_a_hang_together_skips_the_methods_after_it():
    found = RealOutcome("together under spawn", "an item delivered twice", kind="items")
    result, calls = run({}, {"spawn": found})
    assert not result.passed and result.evidence and result.fix == "the fix"
    assert calls[-2:] == [("together", "fork"), ("together", "spawn")]
    hung = RealOutcome("together under fork", late=True, hung=True)
    result, calls = run({}, {"fork": hung})
    assert result.passed and result.kind == "late"
    assert calls[-1] == ("together", "fork")

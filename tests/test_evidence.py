"""Real-process evidence of a bug fails its failure class, in both test cells.

A context-sniffing counter locks only when it is given the grader's controlled context: the
controlled runs see a correct counter, real processes lose updates. Both suites must then fail
their "lost updates" row, not only the real check. (The grader's ctx has multiprocessing's own
name, so tests/hostile/context_sniffing.py, which looks at the name, is caught by the
controlled checks; the sniffer here looks at the type's ancestry instead.)
"""
from __future__ import annotations

import pytest

from autograder.checks.weights import POINTS
from autograder.sandbox.checker import check_answer
from benchmarks.hostile_submissions import sections

# the hostile counter, telling the grader's ctx by its ancestry instead of its name
NAME_SNIFF = '"Controlled" in type(ctx).__name__'
HOSTILE = dict(sections("context_sniffing"))["answer"]
assert NAME_SNIFF in HOSTILE, "tests/hostile/context_sniffing.py no longer sniffs the name"
SNIFFER = HOSTILE.replace("import multiprocessing\n", "import multiprocessing\nimport multiprocessing.context\n", 1) \
    .replace(NAME_SNIFF, "not isinstance(ctx, multiprocessing.context.BaseContext)")
RUNS = 5


@pytest.mark.parametrize("suite", ["visible", "hidden"])
def test_lost_updates_in_real_processes_fail_the_lost_updates_class(suite):
    # Lost updates show in real processes on nearly every run, but a race is a race: on a busy
    # machine one run can miss it. The rule under test is what happens when it shows: every
    # suite runs every check, so both cells lose the class.
    for _ in range(RUNS):
        report = check_answer("safe_counter", suite, SNIFFER)
        row = {r.id: r for r in report.results}["lost_updates"]
        if not row.passed:
            break
    assert not row.passed and row.evidence, f"no lost update in {RUNS} runs\n" + report.render()
    # The row is told from whichever real-process check showed the race (this suite's or the
    # other's: "found by a hidden check"), so only what every telling says is asserted.
    assert "lost" in row.message, report.render()
    assert report.earned <= sum(POINTS["safe_counter"][suite].values()) - POINTS["safe_counter"][suite]["lost_updates"]

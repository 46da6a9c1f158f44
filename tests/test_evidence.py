"""Real-process evidence of a bug also fails the controlled property it disproves.

The context-sniffing counter (tests/hostile/context_sniffing.py) locks only when it is given
the grader's controlled context: the controlled runs see a correct counter, real processes
lose updates. Both suites must then fail their atomicity property, not only the real one.
"""
from __future__ import annotations

import pytest

from autograder.checks.weights import POINTS
from autograder.sandbox.checker import check_answer
from benchmarks.hostile_submissions import sections

SNIFFER = dict(sections("context_sniffing"))["answer"]
RUNS = 5


@pytest.mark.parametrize("suite,real,controlled", [
    ("visible", "shared_across_processes", "atomic_under_controlled_interleavings"),
    ("hidden", "shared_across_processes_stress", "atomic_with_any_n_under_controlled_interleavings"),
])
def test_lost_updates_in_real_processes_fail_atomicity_too(suite, real, controlled):
    # Lost updates show in real processes on nearly every run, but a race is a race: on a busy
    # machine one run can miss it. The rule under test is what happens when it shows.
    for _ in range(RUNS):
        report = check_answer("safe_counter", suite, SNIFFER)
        by_id = {r.id: r for r in report.results}
        if not by_id[real].passed:
            break
    assert not by_id[real].passed and by_id[real].evidence, f"no lost update in {RUNS} runs\n" + report.render()
    assert not by_id[controlled].passed, report.render()
    assert "behaves differently under the grader's context" in by_id[controlled].message
    assert report.earned <= sum(POINTS["safe_counter"][suite].values()) - POINTS["safe_counter"][suite][controlled]

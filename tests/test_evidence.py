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

SNIFFER = """%%exercise safe_counter
import multiprocessing
import multiprocessing.context


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._graded = not isinstance(ctx, multiprocessing.context.BaseContext)
        self._lock = ctx.Lock()
        self._total = ctx.Value("q", initial, lock=False)

    def increment(self, n=1):
        if self._graded:
            with self._lock:
                self._total.value += n
        else:
            self._total.value += n

    @property
    def value(self):
        return self._total.value
"""
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

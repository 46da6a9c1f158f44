"""The engine's reference suite (autograder/engine/reference.py): DPOR runs exactly one
execution per Mazurkiewicz class of Nidhugg's smoke tests, and none that it abandons.

The ports themselves are checked against Nidhugg's published counts by grouping every
interleaving of the small ones (plain DFS) by reads-from, which is what those counts are.
"""
import pytest

from autograder.engine import DFSScheduler, DPORScheduler
from autograder.engine import count_executions
from autograder.engine.reference import (PROGRAMS, count_classes, philosophers,
                                         program)


@pytest.mark.parametrize("prog", PROGRAMS, ids=[p.name for p in PROGRAMS])
def test_dpor_runs_one_execution_per_class(prog):
    counts = count_executions(prog.scenario(), DPORScheduler())
    assert counts.exhaustive
    assert (counts.complete, counts.blocked) == (prog.classes, 0)


@pytest.mark.parametrize("name", ["readers_2", "n_writers_a_reader_2", "mutex_order_2", "opt_lock_2"])
def test_the_ports_have_nidhuggs_reads_from_classes(name):
    prog = program(name)
    interleavings, mazurkiewicz, reads_from = count_classes(prog.scenario())
    assert (mazurkiewicz, reads_from) == (prog.classes, prog.nidhugg), interleavings


def test_dpor_reaches_every_final_state_of_readers_2():
    """The Flanagan-Godefroid DPOR that "dpor" ran before missed (42, 0): reader 1 after
    the write, reader 2 before it."""
    finals = {}
    for name, scheduler in (("dfs", DFSScheduler(max_preemptions=10 ** 6)), ("dpor", DPORScheduler())):
        seen = finals[name] = set()
        scenario = program("readers_2").scenario()
        scenario.check = lambda shared, results, seen=seen: seen.add(tuple(results[1:]))
        assert count_executions(scenario, scheduler).exhaustive
    assert finals["dpor"] == finals["dfs"] == {(0, 0), (0, 42), (42, 0), (42, 42)}


def test_four_dining_philosophers():
    first = count_executions(philosophers(4), DPORScheduler(), stop_at_failure=True)
    assert first.failures == {"deadlock": 1} and first.first_failure <= 15
    # every lock order of the 4 forks but the two cycles completes; one class deadlocks
    everything = count_executions(philosophers(4), DPORScheduler())
    assert everything.exhaustive and (everything.complete, everything.blocked) == (15, 0)
    assert everything.failures == {"deadlock": 1}
    ordered = count_executions(philosophers(4, ordered=True), DPORScheduler())
    assert ordered.exhaustive and (ordered.complete, ordered.blocked, ordered.failures) == (14, 0, {})

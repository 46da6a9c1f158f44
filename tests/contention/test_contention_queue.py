"""The lab measures the student's own BoundedQueue, read from their 05-conditions notebook.

The course ships no queue of its own (it would be an answer to a graded exercise), so the
good queue here is the instructor's solution cell in source/, and the broken one is
``broken_queue.py`` next to this file.
"""
from __future__ import annotations

import json
import multiprocessing
import sys
from pathlib import Path

import pytest

import course.contention
from course.contention import NoQueueAnswer, load_queue, measure, plot_queues, run_sweep
from course.contention.bench import main as bench_main

from tests.contention.solution_queue import SOLUTION_NOTEBOOK, solution_queue


REPO = Path(__file__).resolve().parents[2]
RELEASE_NOTEBOOK = REPO / "release/05-conditions/05-conditions.ipynb"
QUEUES_ONLY = dict(strategies=(), placement_strategies=(), wait_strategies=(), repeats=1,
                   queue_processes=(2,))


def test_the_course_ships_no_bounded_queue():
    assert not hasattr(course.contention, "BoundedQueue")
    assert not (REPO / "course/contention/bounded_queue.py").exists()


def test_the_solution_cell_is_loaded_as_an_importable_module():
    cls = solution_queue()
    assert cls.__module__ == "answer_bounded_queue"
    assert sys.modules[cls.__module__].__file__.endswith("answer_bounded_queue.py")
    q = cls(2, ctx=multiprocessing.get_context())
    q.put(7, timeout=1)
    assert (q.get(timeout=1), q.qsize()) == (7, 0)


@pytest.mark.parametrize("producers", [1, 3])
def test_many_producers_one_consumer_exactly_once(producers):
    res = measure("bounded_queue", producers, ops=400, repeats=2, queue_capacity=4,
                  queue_class=solution_queue())
    assert len(res.rows) == 2
    for r in res.rows:
        assert r["actual"] == r["expected"] == 400 * producers
        assert r["duplicates"] == 0 and r["out_of_order"] == 0
    assert multiprocessing.active_children() == []


def test_an_unanswered_notebook_is_said_so():
    with pytest.raises(NoQueueAnswer, match="not answered yet"):
        load_queue(RELEASE_NOTEBOOK)


def test_missing_or_wrong_notebooks_are_explained(tmp_path):
    with pytest.raises(NoQueueAnswer, match="does not exist"):
        load_queue(tmp_path / "05-conditions.ipynb")
    (tmp_path / "junk.ipynb").write_text("{not json")
    with pytest.raises(NoQueueAnswer, match="is not a notebook"):
        load_queue(tmp_path / "junk.ipynb")
    with pytest.raises(NoQueueAnswer, match="no answer cell with grade_id 'bounded_queue'"):
        load_queue(REPO / "source/02-locks/02-locks.ipynb")
    nb = json.loads(SOLUTION_NOTEBOOK.read_text())
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "bounded_queue")
    cell["source"] = "%%exercise bounded_queue\nclass BoundedQueue(:\n"
    (tmp_path / "syntax.ipynb").write_text(json.dumps(nb))
    with pytest.raises(NoQueueAnswer, match="does not run: SyntaxError"):
        load_queue(tmp_path / "syntax.ipynb")


def test_without_a_queue_the_lab_measures_queue_and_pipe_only():
    res = run_sweep("tiny", **QUEUES_ONLY)
    assert {r["strategy"] for r in res.rows} == {"mp_queue", "pipe"}
    assert "no BoundedQueue was given" in res.meta["bounded_queue"]["note"]
    assert "Your BoundedQueue is not in this plot" in plot_queues(res).caption
    with pytest.raises(ValueError, match="needs queue_class"):
        run_sweep("tiny", **{**QUEUES_ONLY, "queue_strategies": ("bounded_queue",)})
    assert multiprocessing.active_children() == []


def test_a_failing_queue_costs_only_its_own_rows(procs):
    from tests.contention.broken_queue import BrokenQueue

    before = procs.snapshot()
    res = run_sweep("tiny", queue_class=BrokenQueue, **QUEUES_ONLY)
    assert {r["strategy"] for r in res.rows} == {"mp_queue", "pipe"}
    error = res.meta["bounded_queue"]["error"]
    assert "ContentionError" in error and "the consumer's third get() is broken" in error
    assert multiprocessing.active_children() == []
    assert procs.leftovers(before) == []


def test_bench_takes_the_queue_from_a_notebook(tmp_path, capsys):
    args = ["--preset", "tiny", "--no-plots", "--no-progress", "--out", str(tmp_path)]
    assert bench_main(args + ["--queue-from", str(SOLUTION_NOTEBOOK)]) == 0
    out = capsys.readouterr().out
    assert f"measuring the BoundedQueue from {SOLUTION_NOTEBOOK}" in out
    assert "bounded_queue" in out.split("queues (N producers")[1]
    assert bench_main(args + ["--queue-from", str(RELEASE_NOTEBOOK)]) == 0
    out = capsys.readouterr().out
    assert "not answered yet" in out and "measuring multiprocessing.Queue and Pipe only" in out
    assert "bounded_queue" not in out.split("queues (N producers")[1]
    with pytest.raises(SystemExit):
        bench_main(args + ["--queue-from", str(tmp_path / "nowhere.ipynb")])
    assert "no such file" in capsys.readouterr().err

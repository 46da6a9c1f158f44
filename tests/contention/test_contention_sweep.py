"""The benchmark harness on a tiny sweep: shape, invariants and clean-up.

No assertion here is about speed: the machine may be slow or busy. Only counts, shapes and
bookkeeping are checked.
"""
from __future__ import annotations

import math
import multiprocessing

import psutil
import pytest

from course.contention import (COUNTER_STRATEGIES, QUEUE_STRATEGIES, ROW_FIELDS, WORKER_FIELDS,
                               ContentionError, Crew, get_preset, plan_tasks, read_csv,
                               run_sweep, write_csv)
from course.contention.workers import Lab


TINY = get_preset("tiny")


def test_every_configuration_is_present(tiny, procs):
    res, _ = tiny
    tasks = plan_tasks(TINY)
    assert len(res.rows) == len(tasks) * TINY.repeats
    keys = {(r["sweep"], r["strategy"], r["processes"], r["work_inside"], r["work_outside"],
             r["repeat"]) for r in res.rows}
    assert len(keys) == len(res.rows), "one row per configuration and repeat"
    strategies = {r["strategy"] for r in res.select(sweep="strategies")}
    assert strategies == set(COUNTER_STRATEGIES)
    assert {r["strategy"] for r in res.select(sweep="queues")} == set(QUEUE_STRATEGIES)
    for s in COUNTER_STRATEGIES:
        assert {r["processes"] for r in res.select(sweep="strategies", strategy=s)} == \
            set(TINY.processes)
    assert {(r["work_inside"], r["work_outside"]) for r in res.select(sweep="placement")} == \
        set(TINY.placement_splits)
    assert res.meta["start_method"] in procs.methods


def test_rows_are_tidy_and_consistent(tiny):
    res, _ = tiny
    for r in res.rows:
        assert set(r) == set(ROW_FIELDS)
        assert r["ops"] == r["processes"] * r["ops_per_process"] == r["expected"]
        assert r["seconds"] > 0 and r["throughput"] > 0 and r["ns_per_op"] > 0
        assert math.isclose(r["throughput"] * r["seconds"], r["ops"], rel_tol=1e-9)
        assert math.isclose(r["ns_per_op"], r["seconds"] * 1e9 / r["ops"], rel_tol=1e-9)
        assert r["start_method"] == res.meta["start_method"]
    for w in res.worker_rows:
        assert set(w) == set(WORKER_FIELDS)
        assert w["seconds"] >= 0


def test_synchronized_strategies_count_exactly(tiny):
    res, _ = tiny
    rows = [r for r in res.rows if r["kind"] == "counter" and r["strategy"] != "unsynchronized"]
    assert rows
    for r in rows:
        assert r["actual"] == r["processes"] * r["ops_per_process"], r
        assert r["lost_updates"] == 0


def test_shards_are_combined_correctly(tiny):
    res, _ = tiny
    rows = res.select(strategy="sharded")
    assert rows
    for r in rows:
        assert r["actual"] == r["expected"] == r["processes"] * r["ops_per_process"]


def test_unsynchronized_lost_updates_are_bookkept(tiny):
    res, _ = tiny
    rows = res.select(strategy="unsynchronized")
    assert rows
    for r in rows:
        assert r["lost_updates"] >= 0
        assert r["lost_updates"] == r["expected"] - r["actual"]
        if r["processes"] == 1:
            assert r["lost_updates"] == 0  # one process cannot race with itself


def test_queues_deliver_every_item_exactly_once(tiny):
    res, _ = tiny
    rows = res.select(kind="queue")
    assert {r["strategy"] for r in rows} == set(QUEUE_STRATEGIES)
    for r in rows:
        assert r["actual"] == r["expected"] == r["processes"] * r["ops_per_process"]
        assert r["lost_updates"] == 0 and r["duplicates"] == 0 and r["out_of_order"] == 0


def test_wait_and_hold_times_only_where_measured(tiny):
    res, _ = tiny
    for r in res.rows:
        if r["sweep"] == "waits":
            assert r["instrumented"] is True
            assert r["wait_seconds"] >= 0 and r["hold_seconds"] > 0
        else:
            assert r["instrumented"] is False
            assert r["wait_seconds"] is None and r["hold_seconds"] is None
    for r in res.select(sweep="waits"):
        # only one process holds the lock at a time, so the hold intervals never overlap
        assert r["hold_seconds"] * r["processes"] <= r["seconds"] * (1 + 1e-9)
    for w in res.worker_rows:
        row = res.select(sweep=w["sweep"], strategy=w["strategy"], processes=w["processes"],
                         work_inside=w["work_inside"], work_outside=w["work_outside"],
                         repeat=w["repeat"])
        assert len(row) == 1 and w["seconds"] <= row[0]["seconds"] * (1 + 1e-9)
    waits = [w for w in res.worker_rows if w["sweep"] == "waits"]
    assert len(waits) == sum(TINY.wait_processes) * TINY.repeats
    for w in waits:
        assert w["wait_seconds"] is not None and w["hold_seconds"] is not None


def test_no_process_left_behind(tiny, procs):
    res, before = tiny
    assert multiprocessing.active_children() == []
    assert procs.leftovers(before) == []
    pids = res.meta["worker_pids"]
    # one crew for everything but the student's queue, one for the queue
    assert len(pids) == max(max(TINY.processes), max(TINY.queue_processes) + 1,
                            max(TINY.wait_processes)) + max(TINY.queue_processes) + 1
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_csv_round_trip(tiny_default, tmp_path):
    res = tiny_default
    paths = res.to_csv(tmp_path)
    assert read_csv(paths["results"]) == res.rows
    assert read_csv(paths["workers"]) == res.worker_rows
    assert read_csv(paths["summary"])  # one line per strategy
    again = write_csv(read_csv(paths["results"]), tmp_path / "again.csv")
    assert again.read_text() == paths["results"].read_text()


def test_measure_one_configuration():
    from course.contention import measure

    res = measure("lock", 2, ops=300, repeats=2, work_inside=3, work_outside=3)
    assert [r["actual"] for r in res.rows] == [600, 600]
    res = measure("batched", 2, ops=301, repeats=1, batch=7, instrument=True)
    assert res.rows[0]["actual"] == 602 and res.rows[0]["hold_seconds"] is not None
    assert multiprocessing.active_children() == []


# --- failures: everything is torn down -------------------------------------------------

def _crew(ctx, size=2, parties=(1, 2)):
    lab = Lab(ctx, max_workers=size, barrier_parties=parties)
    return lab, Crew(ctx, lab, size, start_timeout=60)


def _task(**kw):
    task = {"kind": "counter", "sweep": "strategies", "strategy": "lock", "processes": 2,
            "ops": 10, "warmup": 0, "repeats": 1, "batch": 1, "work_inside": 0,
            "work_outside": 0, "instrument": False, "barrier_timeout": 30.0,
            "io_timeout": 30.0}
    task.update(kw)
    return task


def test_worker_error_kills_the_crew(procs):
    ctx = multiprocessing.get_context(procs.default_method)
    before = procs.snapshot()
    lab, crew = _crew(ctx)
    with pytest.raises(ContentionError, match="unknown task kind"):
        crew.run(_task(kind="bogus"), 2, timeout=30)
    assert crew.procs == []
    lab.close()
    assert multiprocessing.active_children() == []
    assert procs.leftovers(before) == []


def test_broken_barrier_is_reported(procs):
    # a 2-party barrier with only one participant: the worker's barrier wait times out
    ctx = multiprocessing.get_context(procs.default_method)
    before = procs.snapshot()
    lab, crew = _crew(ctx)
    with pytest.raises(ContentionError, match="BrokenBarrierError"):
        crew.run(_task(barrier_timeout=0.2), 1, timeout=30)
    lab.close()
    assert multiprocessing.active_children() == []
    assert procs.leftovers(before) == []


def test_parent_deadline_terminates_stuck_workers(procs):
    # the worker would wait 60 s at the barrier; the parent gives up after 0.5 s
    ctx = multiprocessing.get_context(procs.default_method)
    before = procs.snapshot()
    lab, crew = _crew(ctx)
    with pytest.raises(ContentionError, match="deadline"):
        crew.run(_task(barrier_timeout=60.0), 1, timeout=0.5)
    lab.close()
    assert multiprocessing.active_children() == []
    assert procs.leftovers(before) == []


def test_bad_configuration_starts_no_process():
    with pytest.raises(ValueError):
        run_sweep("tiny", strategies=("nonsense",))
    with pytest.raises(ValueError):
        run_sweep("tiny", wait_strategies=("sharded",))
    with pytest.raises(ValueError):
        run_sweep("no-such-preset")
    with pytest.raises(ValueError):
        run_sweep("tiny", strategies=(), placement_strategies=(), wait_strategies=(),
                  queue_strategies=())
    assert multiprocessing.active_children() == []

"""Running contention sweeps in real processes, with deadlines and clean-up.

The parent creates every shared object once (:class:`~course.contention.workers.Lab`),
starts a crew of worker processes (:class:`Crew`), and sends them one task per
configuration. Workers time themselves between barriers; the parent only collects the
numbers. Every wait in the parent (start-up handshake, each task's replies, joins) has a
deadline, and every barrier wait or blocking get in a worker has a timeout. If anything goes
wrong (an exception in a worker, a worker that dies, a deadline that passes, Ctrl-C) every
worker is terminated and joined before :class:`ContentionError` (or the interrupt) reaches
the caller: no process is left behind.

Entry points: :func:`run_sweep` for a whole preset, :func:`measure` for one configuration.

Why not the harness of ``course.runner`` and the grader's checks (autograder.process_batch):
that one runs one call per child and reads back one report when the child ends. A crew
lives for a whole sweep: each worker runs task after task, timed between barriers of its
own, and replies over a pipe after each. What the two do alike they share: deadlines in
machine share (autograder.deadlines) and killing and reaping (autograder.processes).
"""
from __future__ import annotations

import multiprocessing
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_any
from pathlib import Path

from autograder.deadlines import Deadline
from autograder.processes import kill_and_join

from .presets import Preset, get_preset
from .results import ROW_FIELDS, WORKER_FIELDS, aggregate, format_summary, select, write_csv
from .workers import COUNTER_STRATEGIES, LOCK_STRATEGIES, QUEUE_STRATEGIES, Lab, crew_main

__all__ = ["ContentionError", "SweepResult", "Crew", "get_context", "plan_tasks", "run_sweep",
           "measure"]


class ContentionError(RuntimeError):
    """A benchmark run failed (worker error, worker death or deadline); workers are gone."""


#: seconds one put() or get() of the student's BoundedQueue may block in the lab
ANSWER_IO_TIMEOUT = 5.0


def get_context(start_method: str | None = None):
    """The multiprocessing context to use: ``start_method`` if given, else the
    ``COURSE_START_METHOD`` environment variable if set, else multiprocessing's default."""
    method = start_method or os.environ.get("COURSE_START_METHOD") or None
    return multiprocessing.get_context(method)


class Crew:
    """``size`` long-lived worker processes sharing one :class:`Lab`.

    Use as a context manager, or call :meth:`close` (graceful) / :meth:`kill`.
    """

    def __init__(self, ctx, lab: Lab, size: int, *, start_timeout: float = 60.0):
        self.ctx = ctx
        self.procs = []
        self.conns = []
        try:
            for i in range(size):
                here, there = ctx.Pipe()
                p = ctx.Process(target=crew_main, args=(i, there, lab),
                                name=f"contention-worker-{i}", daemon=True)
                p.start()
                there.close()
                self.procs.append(p)
                self.conns.append(here)
            self._collect(range(size), start_timeout, "starting")
        except BaseException:
            self.kill()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.close()
        else:
            self.kill()

    @property
    def pids(self):
        return [p.pid for p in self.procs]

    def _collect(self, indices, timeout, what):
        """Wait for one message from each worker in ``indices``; return {idx: payload}."""
        deadline = Deadline(timeout)
        pending = {self.conns[i]: i for i in indices}
        sentinels = {self.procs[i].sentinel: i for i in indices}
        replies = {}
        while pending:
            if deadline.expired():
                raise ContentionError(
                    f"deadline of {timeout:g} s passed while {what}: no reply from "
                    f"worker(s) {sorted(pending.values())}")
            for obj in wait_any(list(pending) + list(sentinels), deadline.wait_step(1.0)):
                if obj in pending:
                    i = pending.pop(obj)
                    del sentinels[self.procs[i].sentinel]
                    try:
                        msg = obj.recv()
                    except (EOFError, OSError):
                        raise ContentionError(f"worker {i} closed its pipe while {what}") from None
                    if msg[0] == "error":
                        raise ContentionError(f"worker {i} failed while {what}: {msg[2]}\n{msg[3]}")
                    replies[i] = msg[2]
                elif obj in sentinels:
                    i = sentinels[obj]
                    if self.conns[i] in pending and self.conns[i].poll(0):
                        continue  # it replied before exiting; read it on the next pass
                    self.procs[i].join(1)
                    raise ContentionError(
                        f"worker {i} exited (exit code {self.procs[i].exitcode}) while {what}")
        return replies

    def run(self, task: dict, participants: int, timeout: float) -> dict:
        """Send ``task`` to workers ``0..participants-1``; return {idx: rows}.

        On any failure the whole crew is killed and :class:`ContentionError` raised.
        """
        try:
            for i in range(participants):
                self.conns[i].send(task)
            return self._collect(range(participants), timeout,
                                 f"running {task['strategy']} with {task['processes']} processes")
        except BaseException:
            self.kill()
            raise

    def close(self, timeout: float = 5.0) -> None:
        """Ask every worker to stop, join them (with a deadline), kill any straggler."""
        for c in self.conns:
            try:
                c.send(None)
            except (OSError, ValueError):
                pass
        deadline = Deadline(timeout)
        for p in self.procs:
            while p.is_alive() and not deadline.expired():
                p.join(deadline.wait_step())
        self.kill()

    def kill(self) -> None:
        """Kill, join and release every worker (idempotent)."""
        kill_and_join(self.procs, 2.0)
        for c in self.conns:
            c.close()
        for p in self.procs:
            if not p.is_alive():
                p.close()
        self.procs = []
        self.conns = []


@dataclass
class SweepResult:
    """The output of :func:`run_sweep`: tidy ``rows``, per-process ``worker_rows``, ``meta``."""

    rows: list = field(default_factory=list)
    worker_rows: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def select(self, **where):
        return select(self.rows, **where)

    def aggregate(self, value="throughput", **kw):
        return aggregate(self.rows, value, **kw)

    def summary(self) -> str:
        return format_summary(self.rows)

    def to_csv(self, out_dir) -> dict:
        """Write ``results.csv``, ``workers.csv`` and ``summary.csv`` into ``out_dir``."""
        from .results import summary_rows

        out = Path(out_dir)
        return {
            "results": write_csv(self.rows, out / "results.csv", ROW_FIELDS),
            "workers": write_csv(self.worker_rows, out / "workers.csv", WORKER_FIELDS),
            "summary": write_csv(summary_rows(self.rows), out / "summary.csv"),
        }

    def __repr__(self):
        return (f"SweepResult({len(self.rows)} rows, preset={self.meta.get('preset')!r}, "
                f"start_method={self.meta.get('start_method')!r})")


def plan_tasks(preset: Preset) -> list[dict]:
    """The tasks of a sweep, in the order they run (each repeated ``preset.repeats`` times)."""
    base = {"warmup": preset.warmup, "repeats": preset.repeats, "batch": preset.batch,
            "barrier_timeout": preset.timeout, "io_timeout": preset.timeout}
    tasks = []
    for strategy in preset.strategies:
        if strategy not in COUNTER_STRATEGIES:
            raise ValueError(f"unknown counter strategy {strategy!r}")
        for n in preset.processes:
            tasks.append({**base, "sweep": "strategies", "kind": "counter", "strategy": strategy,
                          "processes": n, "ops": preset.ops, "work_inside": 0,
                          "work_outside": 0, "instrument": False})
    for strategy in preset.placement_strategies:
        for wi, wo in preset.placement_splits:
            for n in preset.placement_processes or preset.processes:
                tasks.append({**base, "sweep": "placement", "kind": "counter",
                              "strategy": strategy, "processes": n, "ops": preset.placement_ops,
                              "warmup": min(preset.warmup, preset.placement_ops),
                              "work_inside": wi, "work_outside": wo, "instrument": False})
    for strategy in preset.wait_strategies:
        if strategy not in LOCK_STRATEGIES:
            raise ValueError(f"wait/hold times need a lock strategy, not {strategy!r}")
        wi, wo = preset.wait_work
        for n in preset.wait_processes:
            tasks.append({**base, "sweep": "waits", "kind": "counter", "strategy": strategy,
                          "processes": n, "ops": preset.wait_ops,
                          "warmup": min(preset.warmup, preset.wait_ops),
                          "work_inside": wi, "work_outside": wo, "instrument": True})
    for strategy in preset.queue_strategies:
        if strategy not in QUEUE_STRATEGIES:
            raise ValueError(f"unknown queue strategy {strategy!r}")
        for n in preset.queue_processes or preset.processes:
            tasks.append({**base, "sweep": "queues", "kind": "queue", "strategy": strategy,
                          "processes": n, "ops": preset.queue_items,
                          "warmup": min(preset.warmup, preset.queue_items),
                          "work_inside": 0, "work_outside": 0, "instrument": False})
    for t in tasks:
        if t["processes"] < 1:
            raise ValueError("process counts must be at least 1")
    return tasks


def _loadavg():
    """1-minute load average (other programs competing for the CPUs), or None."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _rows_for(task, replies, start_method, cpu_count):
    n = task["processes"]
    participants = n + 1 if task["kind"] == "queue" else n
    rows, worker_rows = [], []
    key = {k: task[k] for k in ("sweep", "kind", "strategy")}
    for r in range(task["repeats"]):
        per_worker = [replies[i][r] for i in range(participants)]
        start = min(w["start_ns"] for w in per_worker)
        end = max(w["end_ns"] for w in per_worker)
        seconds = max(end - start, 1) / 1e9
        total = n * task["ops"]
        actual = next(w["actual"] for w in per_worker if w["actual"] is not None)
        waits = [w["wait_ns"] for w in per_worker if w["wait_ns"] is not None]
        holds = [w["hold_ns"] for w in per_worker if w["hold_ns"] is not None]
        consumer = per_worker[-1] if task["kind"] == "queue" else {}
        rows.append({
            **key, "start_method": start_method, "processes": n,
            "work_inside": task["work_inside"], "work_outside": task["work_outside"],
            "batch": task["batch"] if task["strategy"] == "batched" else None,
            "repeat": r, "ops_per_process": task["ops"], "ops": total, "expected": total,
            "actual": actual, "lost_updates": total - actual,
            "duplicates": consumer.get("duplicates"),
            "out_of_order": consumer.get("out_of_order"),
            "seconds": seconds, "ns_per_op": seconds * 1e9 / total,
            "throughput": total / seconds,
            "wait_seconds": sum(waits) / len(waits) / 1e9 if waits else None,
            "hold_seconds": sum(holds) / len(holds) / 1e9 if holds else None,
            "instrumented": bool(waits), "cpu_count": cpu_count,
        })
        for i, w in enumerate(per_worker):
            worker_rows.append({
                **key, "start_method": start_method, "processes": n,
                "work_inside": task["work_inside"], "work_outside": task["work_outside"],
                "repeat": r, "worker": i, "role": w["role"], "ops": w["ops"],
                "seconds": (w["end_ns"] - w["start_ns"]) / 1e9,
                "wait_seconds": w["wait_ns"] / 1e9 if w["wait_ns"] is not None else None,
                "hold_seconds": w["hold_ns"] / 1e9 if w["hold_ns"] is not None else None,
            })
    return rows, worker_rows


def _run_phase(ctx, preset, tasks, queue_class, result, bar, start_timeout) -> None:
    """Run ``tasks`` in one crew sharing one Lab; append their rows to ``result``."""
    method = ctx.get_start_method()
    cpu_count = result.meta["cpu_count"]
    parties = {t["processes"] + (1 if t["kind"] == "queue" else 0) for t in tasks}
    queues = [t for t in tasks if t["kind"] == "queue"]
    size = max(parties)
    lab = Lab(ctx, max_workers=size, barrier_parties=parties,
              queue_capacity=preset.queue_capacity if queues else 0,
              pipes=max((t["processes"] for t in queues if t["strategy"] == "pipe"), default=0),
              queue_class=queue_class)
    try:
        crew = Crew(ctx, lab, size, start_timeout=start_timeout)
        result.meta["worker_pids"] += crew.pids
        try:
            for task in tasks:
                if bar is not None:
                    bar.set_postfix_str(f"{task['sweep']}: {task['strategy']} N={task['processes']}",
                                        refresh=False)
                participants = task["processes"] + (1 if task["kind"] == "queue" else 0)
                deadline = preset.timeout * (task["repeats"] + 2) + 5.0
                replies = crew.run(task, participants, deadline)
                rows, worker_rows = _rows_for(task, replies, method, cpu_count)
                result.rows.extend(rows)
                result.worker_rows.extend(worker_rows)
                if bar is not None:
                    bar.update(1)
        except BaseException:
            crew.kill()
            raise
        crew.close()
    finally:
        lab.close()


def run_sweep(preset=None, *, start_method: str | None = None, progress: bool = False,
              start_timeout: float = 60.0, queue_class=None, **changes) -> SweepResult:
    """Run a whole sweep and return its :class:`SweepResult`.

    ``preset`` is ``"tiny"``, ``"notebook"``, ``"full"`` or a :class:`Preset`; by default
    ``"notebook"`` when ``NBGRADER_EXECUTION`` is set, else ``"full"``. Keyword ``changes``
    override preset fields, e.g. ``run_sweep("notebook", processes=(1, 2), repeats=1)``.
    ``progress=True`` shows a tqdm bar on stderr.

    ``queue_class``: the student's ``BoundedQueue`` (see :func:`load_queue`) for the
    ``bounded_queue`` strategy. Without one, that strategy is left out (the course ships no
    queue of its own), and ``meta["bounded_queue"]`` says so. The student's queue runs in a
    crew of its own, after everything else: if it fails (an exception, a lost item, a wait
    past the deadline), the other measurements are kept and ``meta["bounded_queue"]`` holds
    the error.

    Raises :class:`ContentionError` if any other run fails; no worker process outlives the
    call either way.
    """
    preset = get_preset(preset, **changes)
    tasks = plan_tasks(preset)
    if not tasks:
        raise ValueError("the preset selects no strategy at all: nothing to run")
    # A working queue hands over an item in microseconds: a student's queue that hands over
    # nothing for a few seconds is stuck, and the lab says so without waiting out preset.timeout.
    answer_tasks = [{**t, "io_timeout": min(t["io_timeout"], ANSWER_IO_TIMEOUT)} for t in tasks
                    if t["strategy"] == "bounded_queue"]
    other_tasks = [t for t in tasks if t["strategy"] != "bounded_queue"]
    queue_info = {"class": None, "error": None, "note": None}
    if queue_class is None:
        if answer_tasks and not other_tasks:
            raise ValueError("the bounded_queue strategy needs queue_class=, a BoundedQueue "
                             "class (see course.contention.load_queue); the course ships none")
        if answer_tasks:
            queue_info["note"] = ("not measured: no BoundedQueue was given (the lab measures "
                                  "the student's own, see course.contention.load_queue)")
        answer_tasks = []
    else:
        queue_info["class"] = f"{queue_class.__module__}.{queue_class.__qualname__}"
    ctx = get_context(start_method)
    method = ctx.get_start_method()
    result = SweepResult(meta={
        "preset": preset.name, "start_method": method, "cpu_count": os.cpu_count() or 1,
        "python": platform.python_version(), "platform": platform.platform(),
        "settings": {k: v for k, v in vars(preset).items()},
        "loadavg_before": _loadavg(), "worker_pids": [], "bounded_queue": queue_info,
    })
    t0 = time.perf_counter()
    bar = None
    try:
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(other_tasks) + len(answer_tasks),
                       desc=f"contention ({preset.name}, {method})", unit="run",
                       file=sys.stderr, leave=True)
        if other_tasks:
            _run_phase(ctx, preset, other_tasks, None, result, bar, start_timeout)
        if answer_tasks:
            try:
                _run_phase(ctx, preset, answer_tasks, queue_class, result, bar, start_timeout)
            except Exception as exc:        # the student's queue failed: keep everything else
                result.rows = [r for r in result.rows if r["strategy"] != "bounded_queue"]
                result.worker_rows = [r for r in result.worker_rows
                                      if r["strategy"] != "bounded_queue"]
                queue_info["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if bar is not None:
            bar.close()
    result.meta["wall_seconds"] = time.perf_counter() - t0
    result.meta["loadavg_after"] = _loadavg()
    return result


def measure(strategy: str, processes: int = 2, *, ops: int = 10_000, work_inside: int = 0,
            work_outside: int = 0, repeats: int = 3, warmup: int | None = None,
            batch: int = 64, instrument: bool = False, queue_capacity: int = 64,
            start_method: str | None = None, timeout: float = 60.0,
            queue_class=None) -> SweepResult:
    """One configuration, ``repeats`` times: handy for a single lesson cell.

    ``strategy`` is any counter or queue strategy (for queues ``processes`` counts producers
    and ``ops`` items per producer; ``bounded_queue`` needs ``queue_class``).
    ``instrument=True`` measures wait and hold times (lock strategies only).
    """
    warmup = ops // 10 if warmup is None else warmup
    common = dict(processes=(processes,), ops=ops, repeats=repeats, warmup=warmup, batch=batch,
                  timeout=timeout, placement_strategies=(), wait_strategies=(),
                  queue_strategies=(), strategies=(), queue_capacity=queue_capacity)
    if strategy in QUEUE_STRATEGIES:
        common.update(queue_strategies=(strategy,), queue_processes=(processes,),
                      queue_items=ops)
    elif instrument or work_inside or work_outside:
        if instrument:
            common.update(wait_strategies=(strategy,), wait_processes=(processes,),
                          wait_work=(work_inside, work_outside), wait_ops=ops)
        else:
            common.update(placement_strategies=(strategy,),
                          placement_splits=((work_inside, work_outside),),
                          placement_ops=ops)
    else:
        common.update(strategies=(strategy,))
    preset = Preset(name=f"measure:{strategy}", **common)
    return run_sweep(preset, start_method=start_method, queue_class=queue_class)

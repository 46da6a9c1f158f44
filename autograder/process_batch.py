"""Real processes started at one moment, waited for with one deadline, each reporting back.

The harness the lessons (``course.runner``) and the grader's real-process checks
(``autograder.checks.realrun``) share. A :class:`ProcessBatch` runs ``target(*args)`` of
each job in a child process named P1, P2, ...:

* the children wait at a start barrier, so that their calls really overlap. A child that
  dies before it gets there (it could not unpickle its arguments, say) makes the parent
  break the barrier, so the others give up at once instead of waiting out its timeout;
* each child reports through a file of its own what its target returned or raised, and
  when it finished; it never writes to stderr (nbgrader zeroes a cell that does);
* the parent waits with a :class:`~autograder.deadlines.Deadline` (machine share), kills
  whatever still runs then, descendants included, reaps it, reads the reports back and
  removes their folder::

    batch = ProcessBatch(ctx, [(work, (lock, 1)), (work, (lock, 2))], start_timeout=10)
    batch.start()
    try:
        stuck = batch.wait(Deadline(10))        # the names of those still running
    finally:
        outcomes = batch.finish()               # kill, reap, read back, clean up
"""
from __future__ import annotations

import io
import json
import multiprocessing.connection
import os
import pickle
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.deadlines import MAX_STRETCH, Deadline
from autograder.processes import kill_and_join

# How a child's report is written and read back: pickle carries any return value, JSON
# only plain data (what the grader's checks send back: reprs, lists, None).
FORMATS = {"pickle": (pickle.dumps, pickle.loads),
           "json": (lambda report: json.dumps(report).encode(), json.loads)}


@dataclass
class ChildOutcome:
    """How one child of a batch ended."""
    name: str                          # P1, P2, ...
    exitcode: int | None               # negative: killed by that signal; None: never started
    killed: bool = False               # still running at the end, so killed
    reported: bool = False             # its report was read back
    returned: object = None            # what its target returned
    error: str | None = None           # "ExceptionType: message": what its target raised
    broken_barrier: bool = False       # it gave up at the start barrier (a sibling never came)
    finished: float | None = None      # time.monotonic() when its target ended
    unreadable: str | None = None      # why its report could not be read back


def describe_exception(exc: BaseException) -> str:
    """'ValueError: bad input', or 'KeyboardInterrupt' when there is no message."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _child(target, args, barrier, passed, slot: int, barrier_timeout: float, report: str,
           fmt: str) -> None:
    """Runs in the child: wait for the others, run the target, write the report."""
    sys.stderr = io.StringIO()
    outcome = {"returned": None, "error": None, "broken_barrier": False, "finished": None}
    try:
        if barrier is not None:
            barrier.wait(timeout=barrier_timeout)
            passed[slot] = time.perf_counter_ns()
    except threading.BrokenBarrierError:
        outcome["broken_barrier"] = True
    else:
        try:
            outcome["returned"] = target(*args)
        except BaseException as exc:      # report everything to the parent, even SystemExit
            outcome["error"] = describe_exception(exc)
    outcome["finished"] = time.monotonic()       # system-wide clock: comparable with the parent's
    dumps = FORMATS[fmt][0]
    try:
        data = dumps(outcome)
    except Exception:
        outcome["returned"] = repr(outcome["returned"])
        data = dumps(outcome)
    # Written whole or not at all: a child killed at the deadline leaves no half a report.
    partial = f"{report}.partial"
    Path(partial).write_bytes(data)
    os.replace(partial, report)


class ProcessBatch:
    """``target(*args)`` of each ``(target, args)`` job in a child process of its own.

    ``together``: hold the children at a start barrier and release them at once.
    ``start_timeout``: seconds (machine share) for every child to reach the barrier; a
    child gives up waiting there after ``start_timeout * MAX_STRETCH`` wall seconds, so
    that the parent's deadline is the one that counts.
    ``report_format``: ``"pickle"`` or ``"json"`` (see FORMATS).
    """

    def __init__(self, ctx, jobs, *, start_timeout: float, together: bool = True,
                 report_format: str = "pickle", prefix: str = "process-batch-"):
        if report_format not in FORMATS:
            raise ValueError(f"report_format must be one of {sorted(FORMATS)}")
        n = len(jobs)
        self.names = [f"P{i}" for i in range(1, n + 1)]
        self.start_timeout = start_timeout
        self.broken = False                # the start barrier broke: not every child got past it
        self._format = report_format
        self._folder = Path(tempfile.mkdtemp(prefix=prefix))
        self._barrier = ctx.Barrier(n) if together and n else None
        # When each child got past the start barrier (time.perf_counter_ns), 0 until then.
        self._passed = ctx.RawArray("q", n) if self._barrier is not None else None
        self._procs = [ctx.Process(target=_child, name=name, daemon=True,
                                   args=(target, tuple(args), self._barrier, self._passed, k,
                                         start_timeout * MAX_STRETCH, str(self._report(name)),
                                         report_format))
                       for k, (name, (target, args)) in enumerate(zip(self.names, jobs))]
        self._started: list = []
        self._killed: set[str] = set()

    def _report(self, name: str) -> Path:
        return self._folder / f"{name}.{self._format}"

    def start(self, *, wait_for_start: bool = False) -> None:
        """Start every child. With ``wait_for_start``, return only once all of them are past
        the start barrier, or it broke (see ``broken``). If a child cannot be started (its
        arguments cannot be pickled, say), the others are killed, the folder removed, and
        the exception raised."""
        try:
            for p in self._procs:
                p.start()
                self._started.append(p)
            if wait_for_start and self._barrier is not None:
                self._wait_for_start()
        except BaseException:
            if self._barrier is not None:
                self._barrier.abort()
            self.finish()
            raise

    def _wait_for_start(self) -> None:
        clock = Deadline(self.start_timeout)
        while not all(self._passed):
            if self._barrier.broken:
                self.broken = True
                return
            if self._abort_if_one_died_before_the_barrier() or clock.expired():
                self._barrier.abort()
                self.broken = True
                return
            time.sleep(0.002)

    def _abort_if_one_died_before_the_barrier(self) -> bool:
        """Without this the others would wait at the barrier for as long as it lets them."""
        if self._barrier is None or self._barrier.broken:
            return False
        died = any(p.exitcode not in (None, 0) and not self._passed[k]
                   for k, p in enumerate(self._started))
        if died:
            self._barrier.abort()
        return died

    def first_past_barrier_ns(self) -> int | None:
        """time.perf_counter_ns() when the first child got past the start barrier."""
        passed = [t for t in self._passed or () if t]
        return min(passed) if passed else None

    def running(self) -> list[str]:
        return [p.name for p in self._started if p.is_alive()]

    def running_pids(self) -> list[int]:
        """The process ids of the children still running."""
        return [p.pid for p in self._started if p.is_alive()]

    def wait(self, deadline: Deadline) -> list[str]:
        """Wait until every child has ended or ``deadline`` expires; returns the names of
        those still running."""
        while (alive := [p for p in self._started if p.is_alive()]) and not deadline.expired():
            self._abort_if_one_died_before_the_barrier()
            multiprocessing.connection.wait([p.sentinel for p in alive], timeout=deadline.wait_step(0.1))
        return self.running()

    def finish(self) -> list[ChildOutcome]:
        """Kill whatever still runs (descendants included), reap every child, read their
        reports back and remove the folder they were written in."""
        self._killed.update(self.running())
        kill_and_join(self._started)
        outcomes = [self._outcome(name, p) for name, p in zip(self.names, self._procs)]
        shutil.rmtree(self._folder, ignore_errors=True)
        return outcomes

    def _outcome(self, name: str, p) -> ChildOutcome:
        outcome = ChildOutcome(name, p.exitcode, killed=name in self._killed)
        path = self._report(name)
        if not path.exists():
            return outcome
        try:
            report = FORMATS[self._format][1](path.read_bytes())
        except Exception as exc:          # e.g. a returned object whose class the parent lacks
            outcome.unreadable = describe_exception(exc)
            return outcome
        outcome.reported = True
        outcome.returned, outcome.error = report["returned"], report["error"]
        outcome.broken_barrier, outcome.finished = report["broken_barrier"], report["finished"]
        return outcome

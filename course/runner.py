"""Start real processes from a notebook with a deadline, and say why they got stuck.

``run`` starts one process per job (named P1, P2, ...), lets them all begin at the same
moment (a start barrier, so they really overlap), and joins them within ``deadline``
seconds (of machine share: a busy machine gives them longer, see autograder.deadlines).
Processes still running then are killed, never left behind, and the result says
what they were doing: with a :class:`course.tracing.Tracer`, which process holds what and
waits for what, e.g. ``deadlock: P1 holds lock A and waits for lock B (held by P2); ...``.
``start`` does the same but returns at once, so the notebook can talk to the processes
(through a queue or a pipe) before it waits for them. With ``idle=2``, processes that have
all used no CPU for 2 s are stopped as at the deadline: blocked processes (a deadlock, a
wake-up nobody sends) use none, so a cell that runs a student's class reports at once
instead of waiting out a long deadline (course.idle).

Children never write to the notebook's stderr: an exception in a child is caught there and
reported in the result (``Run.errors``), which is also where return values come back.
The processes themselves are autograder.process_batch's, the harness the grader's
real-process checks use too; this module adds the lessons' texts and the tracer.
"""
from __future__ import annotations

import signal
import time
from dataclasses import dataclass, field

from autograder.deadlines import Deadline
from autograder.process_batch import ProcessBatch

from . import context
from .idle import IdleWatch


_DIED = "exited with code"       # how an error starts when a child died without reporting
_BROKEN_BARRIER = "BrokenBarrierError: the processes did not all start in time"


def _died(exitcode) -> str:
    """'exited with code -11 (SIGSEGV) before reporting': a child killed by a signal or
    ended by os._exit() has no exception to report."""
    text = f"{_DIED} {exitcode}"
    if isinstance(exitcode, int) and exitcode < 0:
        try:
            text += f" ({signal.Signals(-exitcode).name})"
        except ValueError:
            pass
    return text + " before reporting"


class ProcessFailed(RuntimeError):
    """A child raised, or the processes were still running at the deadline."""


@dataclass
class Run:
    names: list[str]
    exitcodes: list
    returned: list                      # each process's return value (None if it raised)
    errors: list                        # "ExceptionType: message", "exited with code ...", or None
    elapsed: float                      # seconds from the start to when the last one finished its target
    stuck: list[str] = field(default_factory=list)
    report: str | None = None           # why the stuck processes were stuck
    trace: object = None                # the tracer's Trace, when one was given
    deadline: float = 0.0
    idle: float | None = None           # seconds without CPU after which they were stopped

    @property
    def ok(self) -> bool:
        return not self.stuck and not any(self.errors) and all(c == 0 for c in self.exitcodes)

    def __str__(self) -> str:
        lines = []
        if self.stuck and self.idle is not None:
            lines.append(self.report or f"{', '.join(self.stuck)} still running, all blocked")
            lines.append(f"{', '.join(self.stuck)} used no CPU for {self.idle:g} s (a deadlock, or a wake-up "
                         f"that never came): killed.")
        elif self.stuck:
            lines.append(self.report or f"{', '.join(self.stuck)} still running at the deadline")
            lines.append(f"{', '.join(self.stuck)} killed after the {self.deadline:g} s deadline.")
        for name, error in zip(self.names, self.errors):
            if error:
                lines.append(f"{name} {error}" if error.startswith(_DIED) else f"{name} raised {error}")
        if not lines:
            n = len(self.names)
            lines.append(f"{n} process{'es' if n != 1 else ''} finished in {self.elapsed:.2f} s")
        return "\n".join(lines)

    __repr__ = __str__

    def check(self) -> "Run":
        """Raise ProcessFailed unless every process finished without an exception."""
        if not self.ok:
            raise ProcessFailed(str(self))
        return self


def _jobs(target_or_jobs, args_per_process):
    if callable(target_or_jobs):
        if args_per_process is None:
            raise TypeError("run(target, args_per_process): give one args tuple per process")
        return [(target_or_jobs, tuple(args)) for args in args_per_process]
    if args_per_process is not None:
        raise TypeError("run(jobs) takes a list of (target, args) pairs and no args_per_process")
    return [(target, tuple(args)) for target, args in target_or_jobs]


class Running:
    """Processes started by :func:`start`: do something meanwhile, then ``wait()``.

    As a context manager it waits on exit (and kills at once if the block raised), and
    keeps the outcome in ``.result``::

        with runner.start(workers.produce, [(q, 10)]) as running:
            items = [q.get(timeout=5) for _ in range(10)]
        print(running.result)
    """

    def __init__(self, jobs, ctx, deadline: float, tracer, together: bool, idle: float | None = None):
        n = len(jobs)
        if tracer is not None and tracer.processes < n:
            raise ValueError(f"the tracer was made for {tracer.processes} processes; this run has {n}")
        self.deadline = deadline
        self.tracer = tracer
        self.idle = idle
        self._went_idle = False
        self.result: Run | None = None
        self._batch = ProcessBatch(ctx, jobs, start_timeout=deadline, together=together,
                                   prefix="course-run-")
        self.names = self._batch.names
        self._batch.start(wait_for_start=True)
        if tracer is not None:
            # Time 0 of the trace: the moment the first process got past the start barrier
            # (the parent's own clock reading can come tens of milliseconds after the
            # children's first events on a busy machine, which would put them at negative times).
            tracer.t0 = self._batch.first_past_barrier_ns() or time.perf_counter_ns()
        # A child that could not start in time leaves the others little to do.
        self._clock = Deadline(min(deadline, 2.0) if self._batch.broken else deadline)
        self.begin = time.monotonic()

    def wait(self, *, kill_now: bool = False) -> Run:
        """Join the processes within what is left of the deadline, kill whatever is still
        running then (or at once with ``kill_now``), and return the outcome."""
        if self.result is not None:
            return self.result
        snapshot = None
        try:
            stuck = self._batch.wait(Deadline(0)) if kill_now else self._wait()
            elapsed = time.monotonic() - self.begin
            if stuck and self.tracer is not None:
                snapshot = self.tracer.trace()      # before the kill: who held and waited for what
        finally:
            outcomes = self._batch.finish()
        self.result = self._collect(outcomes, stuck, snapshot, elapsed)
        return self.result

    def _wait(self) -> list[str]:
        """Wait for the processes until the deadline, or until they have all been idle for
        ``idle`` seconds; the names of those still running then."""
        if self.idle is None:
            return self._batch.wait(self._clock)
        watch = IdleWatch(self.idle)
        while True:
            stuck = self._batch.wait(Deadline(min(0.2, self.idle / 4)))
            if not stuck or self._clock.expired():
                return stuck
            if watch.idle(self._batch.running_pids()):
                self._went_idle = True
                return self._batch.running()

    def _collect(self, outcomes, stuck, snapshot, elapsed) -> Run:
        errors = []
        for o in outcomes:
            if o.broken_barrier:
                errors.append(_BROKEN_BARRIER)
            elif o.unreadable:
                errors.append(f"its result could not be read back: {o.unreadable}")
            elif not o.reported and o.name not in stuck and o.exitcode != 0:
                errors.append(_died(o.exitcode))
            else:
                errors.append(o.error)
        finished = [o.finished for o in outcomes]
        if not stuck and all(finished):
            elapsed = max(0.0, max(finished) - self.begin)
        trace = snapshot or (self.tracer.trace() if self.tracer is not None else None)
        report = None
        if stuck:
            exited = [name for name in self.names if name not in stuck]
            when = "blocked" if self._went_idle else "still running at the deadline"
            report = (trace.report(stuck, exited) if trace is not None else
                      f"stuck: {', '.join(stuck)} {when} (a course.tracing.Tracer would tell who held and "
                      f"waited for what)")
        return Run(self.names, [o.exitcode for o in outcomes], [o.returned for o in outcomes], errors,
                   elapsed, stuck, report, trace, self.deadline, self.idle if self._went_idle else None)

    def __enter__(self) -> "Running":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.wait(kill_now=exc_type is not None)


def start(target_or_jobs, args_per_process=None, *, ctx=None, deadline: float = 30.0,
          tracer=None, together: bool = True, idle: float | None = None) -> Running:
    """Start the processes as :func:`run` does, but return at once (see :class:`Running`)."""
    return Running(_jobs(target_or_jobs, args_per_process), ctx or context(), deadline, tracer,
                   together, idle)


def run(target_or_jobs, args_per_process=None, *, ctx=None, deadline: float = 30.0,
        tracer=None, together: bool = True, check: bool = False, idle: float | None = None) -> Run:
    """Run ``target(*args)`` in one process per args tuple (or each ``(target, args)`` job).

    ``deadline``: seconds for all of them to finish; the rest are killed and reported.
    ``idle``: stop them earlier, once none of them has used the CPU for this many seconds
    (all blocked: only for work that never sleeps, such as a student's class under load).
    ``tracer``: a course.tracing.Tracer whose primitives the processes use; its trace is
    attached to the result and explains any process that is stuck.
    ``together``: start them at the same moment (a start barrier), so they overlap.
    ``check``: raise ProcessFailed if a process raised or was stuck.
    """
    result = start(target_or_jobs, args_per_process, ctx=ctx, deadline=deadline, tracer=tracer,
                   together=together, idle=idle).wait()
    if check:
        result.check()
    return result


__all__ = ["run", "start", "Run", "Running", "ProcessFailed"]

"""Run a student's object in real processes under one start method, with deadlines.

The object is built in the parent from ``ctx`` and handed to each child as a ``Process``
argument (that is how multiprocessing shares locks and shared memory). Children wait on
a start barrier so their calls overlap, run their calls, and report through a result
file each. Every wait has a deadline; whatever is still running at the end is killed.
"""
from __future__ import annotations

import json
import multiprocessing
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.deadlines import MAX_STRETCH, Deadline
from autograder.processes import kill_tree


@dataclass
class Call:
    """``method(*args)`` repeated ``repeat`` times; the results of the last one are kept,
    or, with ``collect``, the list of every call's result (in call order)."""
    method: str
    args: tuple = ()
    repeat: int = 1
    collect: bool = False

    def describe(self) -> str:
        text = f"{self.method}({', '.join(map(repr, self.args))})"
        return f"{self.repeat} x {text}" if self.repeat > 1 else text


@dataclass
class ProcessOutcome:
    returned: list = field(default_factory=list)   # repr of each call's last result
    #                                                (a list of reprs for a Call with collect)
    error: str | None = None                       # "ExceptionType: message" raised in the child
    exitcode: int | None = None
    failed_call: str | None = None                 # the call that raised, e.g. "put(5)"


@dataclass
class RealRun:
    method: str
    outcomes: list[ProcessOutcome]
    obj: object = None                 # the parent's object, to read shared state afterwards
    setup_error: str | None = None     # the constructor raised, or the object could not be sent
    hung: list[int] = field(default_factory=list)   # 1-based ids of processes killed at the deadline

    @property
    def ok(self) -> bool:
        return self.setup_error is None and not self.hung and all(
            o.error is None and o.exitcode == 0 for o in self.outcomes)

    def problem(self) -> str | None:
        """One sentence on what went wrong in the processes, or None."""
        if self.setup_error:
            return self.setup_error
        if self.hung:
            names = ", ".join(f"P{i}" for i in self.hung)
            return (f"{names} did not finish before the deadline under {self.method} "
                    f"(a deadlock, a lost wake-up, or an endless loop) and had to be killed")
        for i, o in enumerate(self.outcomes, 1):
            if o.error:
                where = f" in {o.failed_call}" if o.failed_call else ""
                return f"P{i} raised {o.error}{where} under {self.method}"
            if o.exitcode != 0:
                return f"P{i} exited with code {o.exitcode} under {self.method} before running its calls"
        return None


def _worker(obj, barrier, calls: list[Call], result_path: str) -> None:
    outcome: dict = {"returned": [], "error": None, "failed_call": None}
    try:
        barrier.wait()
        for call in calls:
            outcome["failed_call"] = call.describe()
            method = getattr(obj, call.method)
            result = None
            results = []
            for _ in range(call.repeat):
                result = method(*call.args)
                if call.collect:
                    results.append(repr(result))
            outcome["returned"].append(results if call.collect else repr(result))
        outcome["failed_call"] = None
    except BaseException as exc:  # report everything, even SystemExit, to the parent
        outcome["error"] = f"{type(exc).__name__}: {exc}"
    Path(result_path).write_text(json.dumps(outcome))


def _describe_send_error(exc: BaseException, method: str) -> str:
    return (f"the object could not be sent to a child process under {method}: "
            f"{type(exc).__name__}: {exc}. Everything it holds must come from ctx "
            f"(ctx.Lock(), ctx.Value(...)); plain threading locks and open files cannot be sent")


def run_real(make_obj, calls: list[list[Call]], method: str, deadline: float = 10.0) -> RealRun:
    """Build ``make_obj(ctx)`` and run ``calls[i]`` in process P(i+1), all at once, within
    ``deadline`` seconds of machine share (autograder.deadlines)."""
    ctx = multiprocessing.get_context(method)
    n = len(calls)
    outcomes = [ProcessOutcome() for _ in range(n)]
    try:
        obj = make_obj(ctx)
    except Exception as exc:
        return RealRun(method, outcomes, setup_error=f"the constructor raised {type(exc).__name__}: {exc}")

    workdir = Path(tempfile.mkdtemp(prefix="realrun-"))
    clock = Deadline(deadline)
    # The parent's clock is the real limit; the barrier only must not break before it.
    barrier = ctx.Barrier(n, timeout=deadline * MAX_STRETCH)
    procs = [ctx.Process(target=_worker, args=(obj, barrier, calls[i], str(workdir / f"P{i}.json")),
                         name=f"P{i + 1}", daemon=True) for i in range(n)]
    run = RealRun(method, outcomes, obj=obj)
    try:
        started = []
        for p in procs:
            try:
                p.start()
            except Exception as exc:
                run.setup_error = _describe_send_error(exc, method)
                barrier.abort()
                break
            started.append(p)
        while any(p.is_alive() for p in started) and not clock.expired():
            # A child that died before the barrier (say, it could not unpickle the object)
            # would leave the others waiting for the barrier's full timeout.
            if any(p.exitcode not in (None, 0) for p in started) and not barrier.broken:
                barrier.abort()
            time.sleep(0.01)
        run.hung = [i + 1 for i, p in enumerate(started) if p.is_alive()]
    finally:
        kill_tree(procs)
        for p in procs:
            if p.pid is not None:
                p.join(timeout=5)
    for i, p in enumerate(procs):
        outcomes[i].exitcode = p.exitcode
        result = workdir / f"P{i}.json"
        try:
            data = json.loads(result.read_text()) if result.exists() else None
        except (OSError, ValueError):   # killed at the deadline while writing it
            data = None
        if data is not None:
            outcomes[i].returned, outcomes[i].error = data["returned"], data["error"]
            outcomes[i].failed_call = data.get("failed_call") if data["error"] else None
            if data["error"] and data["error"].startswith("BrokenBarrierError") and run.setup_error is None:
                outcomes[i].error = None   # a sibling failed first; its error is the one to report
                outcomes[i].failed_call = None
                outcomes[i].exitcode = 0
        elif p.exitcode not in (None, 0) and not run.hung and run.setup_error is None:
            run.setup_error = (f"P{i + 1} could not start under {method} (exit code {p.exitcode}); "
                               f"the object or its class could not be rebuilt in the child. Define the "
                               f"class in the %%exercise cell and keep only ctx primitives in it")
    for f in workdir.iterdir():
        f.unlink()
    workdir.rmdir()
    return run

"""Run a student's object in real processes under one start method, with deadlines.

The object is built in the parent from ``ctx`` and handed to each child as a ``Process``
argument (that is how multiprocessing shares locks and shared memory). The children are a
ProcessBatch (autograder/process_batch.py, the harness the lessons use too): they wait on a
start barrier so their calls overlap, run their calls, and report back; every wait has a
deadline, and whatever is still running at the end is killed. When the judge grades, the
parent is a worker and each child receives its own calls from the judge (judge/real.py).
"""
from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field

from autograder.deadlines import Deadline
from autograder.judge import RemoteClass, run_children
from autograder.process_batch import ChildOutcome, ProcessBatch
from autograder.worker.serve import run_calls as run_plain_calls
from autograder.worker.wire import encode
from .common import Stuck, call_with_deadline
from .settings import active


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

    def as_data(self) -> dict:
        """The call as the child that makes it receives it (autograder.worker.serve.run_calls)."""
        return {"method": self.method, "args": encode(list(self.args)), "repeat": self.repeat,
                "collect": self.collect, "describe": self.describe()}


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


def _describe_send_error(exc: BaseException, method: str) -> str:
    return (f"the object could not be sent to a child process under {method}: "
            f"{type(exc).__name__}: {exc}. Everything it holds must come from ctx "
            f"(ctx.Lock(), ctx.Value(...)); plain threading locks and open files cannot be sent")


def run_real(cls, make_obj, calls: list[list[Call]], method: str, deadline: float = 10.0) -> RealRun:
    """Build ``make_obj(ctx)`` and run ``calls[i]`` in process P(i+1), all at once behind a
    start barrier, within ``deadline`` seconds of machine share (autograder.deadlines).
    ``cls`` is the answer's class that ``make_obj`` builds: the class itself (the children are
    a ProcessBatch of this process, autograder/process_batch.py) or the judge's RemoteClass
    (a worker builds the object and starts the children; each child gets only its own calls
    from the judge, judge/real.py)."""
    remote = isinstance(cls, RemoteClass)
    ctx = cls.session.real_context(method) if remote else multiprocessing.get_context(method)
    outcomes = [ProcessOutcome() for _ in calls]
    try:
        obj = call_with_deadline(lambda: make_obj(ctx), active().constructor_deadline)
    except Stuck as exc:
        return RealRun(method, outcomes, setup_error=f"the constructor {exc} (an endless loop, or a wait for "
                                                     "something that never happens)")
    except Exception as exc:
        return RealRun(method, outcomes, setup_error=f"the constructor raised {type(exc).__name__}: {exc}")
    run = RealRun(method, outcomes, obj=obj)
    plain = [[call.as_data() for call in own] for own in calls]
    try:
        children = (_remote_children(obj, plain, deadline) if remote else
                    _local_children(ctx, obj, plain, deadline))
    except Exception as exc:
        run.setup_error = _describe_send_error(exc, method)
        return run
    run.hung = [i for i, child in enumerate(children, 1) if child.killed]
    for i, (child, outcome) in enumerate(zip(children, outcomes), 1):
        outcome.exitcode = child.exitcode
        if child.broken_barrier:
            outcome.exitcode = 0      # a sibling failed first; its error is the one to report
        elif child.reported and isinstance(child.returned, dict):
            outcome.returned = child.returned["returned"]
            outcome.error = child.returned["error"]
            outcome.failed_call = child.returned["failed_call"] if outcome.error else None
        elif child.exitcode not in (None, 0) and not run.hung and run.setup_error is None:
            run.setup_error = (f"P{i} could not start under {method} (exit code {child.exitcode}); "
                               f"the object or its class could not be rebuilt in the child. Define the "
                               f"class in the %%exercise cell and keep only ctx primitives in it")
    return run


def _local_children(ctx, obj, calls: list[list[dict]], deadline: float) -> list[ChildOutcome]:
    batch = ProcessBatch(ctx, [(run_calls, (obj, own)) for own in calls], start_timeout=deadline,
                         report_format="json", prefix="realrun-")
    batch.start()
    try:
        batch.wait(Deadline(deadline))
    finally:
        children = batch.finish()
    return children


def _remote_children(obj, calls: list[list[dict]], deadline: float) -> list[ChildOutcome]:
    children = []
    for i, child in enumerate(run_children(obj, calls, deadline), 1):
        outcome = child["outcome"]
        children.append(ChildOutcome(f"P{i}", child["exitcode"], killed=child["killed"],
                                     reported=outcome is not None, returned=outcome,
                                     broken_barrier=child["broken_barrier"]))
    return children


def run_calls(obj, calls: list[dict]) -> dict:
    """In a child of this process: its calls (Call.as_data) on the object."""
    return run_plain_calls(obj, [{**call, "args": tuple(call["args"])} for call in calls])

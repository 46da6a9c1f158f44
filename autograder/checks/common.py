"""Helpers the exercise checks share: which start methods to use, and describing scenarios."""
from __future__ import annotations

import contextlib
import multiprocessing
import threading

from autograder.deadlines import Deadline
from .realrun import Call
from .report import PropertyResult

START_METHODS = ("fork", "spawn", "forkserver")


def start_methods() -> list[str]:
    """Every start method this platform has, in a fixed order (spawn only on Windows)."""
    available = multiprocessing.get_all_start_methods()
    return [m for m in START_METHODS if m in available]


def describe_calls(calls: list[list[Call]]) -> str:
    return "; ".join(f"P{i}: " + ", ".join(c.describe() for c in proc) for i, proc in enumerate(calls, 1))


class NotAnInt(AssertionError):
    """A student's method returned something other than an int where the contract says int.
    (An AssertionError, so a controlled scenario's check reports it as a failed check.)"""


def plain_int(value, what: str) -> int:
    """``value`` if it is exactly an int, else NotAnInt (see not_int)."""
    problem = not_int(value, what)
    if problem:
        raise NotAnInt(problem)
    return value


def not_int(value, what: str) -> str | None:
    """None if ``value`` is exactly an int (a bool or an int subclass is not: its ``==`` could
    say anything), else a sentence for the student. Checks compare a student's results only
    after this, so comparisons run on the grader's own types."""
    if type(value) is int:
        return None
    return f"{what} returned {value!r} (a {type(value).__name__}), but it must return an int"


def not_ints(values, what: str) -> str | None:
    return next((problem for v in values if (problem := not_int(v, what))), None)


class Stuck(Exception):
    """A call did not return in time (in one process: a lock taken twice, or an endless loop)."""


def call_with_deadline(fn, seconds: float = 5.0):
    """Run ``fn()`` in a daemon thread; raise Stuck if it has not returned after ``seconds``
    (of machine share: a busy machine stretches them, see autograder.deadlines).

    The checker is a throwaway subprocess, so a thread left stuck there costs nothing."""
    box = {}

    def run():
        try:
            box["result"] = fn()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    clock = Deadline(seconds)
    while worker.is_alive() and not clock.expired():
        worker.join(clock.wait_step(0.05))
    if worker.is_alive():
        raise Stuck(f"did not return within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box.get("result")


def built_within(make, seconds: float = 5.0):
    """``make`` (ctx -> object) for run_real, with a deadline: a constructor that never
    returns is reported as an error instead of hanging the checks."""
    def make_with_deadline(ctx):
        try:
            return call_with_deadline(lambda: make(ctx), seconds)
        except Stuck as exc:
            raise Stuck(f"it {exc}") from None
    return make_with_deadline


# ---------------------------------------------------------------- student module globals
@contextlib.contextmanager
def simulated_globals(cls, *, per_process_ids: bool = False):
    """While controlled runs use ``cls``, patch the globals of the module defining it (see
    autograder.engine.hooks.simulated_globals: names bound by ``from time import ...``
    follow the virtual clock; with ``per_process_ids``, id() and hash() of shared
    primitives differ between simulated processes, as between spawned processes)."""
    import sys

    from autograder.engine import hooks

    module = sys.modules.get(getattr(cls, "__module__", ""), None)
    namespace = getattr(module, "__dict__", None)
    if namespace is None:
        yield
        return
    with hooks.simulated_globals(namespace, per_process_ids=per_process_ids):
        yield


def real_property(title: str, cls, deterministic, concurrent, fix: str = "") -> PropertyResult:
    """A real-process property: evidence of a bug fails it, absence of evidence proves nothing.

    Under every start method, ``deterministic(cls, method)`` -> ``(problem, scenario)`` runs
    one child at a time and decides. Then ``concurrent(method)`` -> ``(verdict, message,
    scenario, hung)`` runs several processes at once: "fail" is evidence only a wrong answer
    can produce (an update lost, an item delivered twice or never, money created or
    destroyed, an object that cannot be sent) and fails the property; "note" is a hang, which
    a busy machine can cause too, so it is reported without costing points (the controlled
    checks judge deadlocks). After a hang or evidence the remaining methods skip the
    concurrent run (a hang costs the whole deadline, and evidence is already in), but every
    method's deterministic check still runs: a failure that repeats on every run is the one to
    report, whatever a race under an earlier method happened to show. ``fix`` is the sentence
    shown with evidence of a bug.
    """
    late = []
    evidence = None
    run_concurrent = True
    for method in start_methods():
        problem, scenario = deterministic(cls, method)
        if problem:
            return PropertyResult(title, False, problem, scenario)
        if not run_concurrent:
            continue
        verdict, message, scenario, hung = concurrent(method)
        if verdict == "fail":
            evidence = PropertyResult(title, False, message, scenario, fix=fix, evidence=True)
            run_concurrent = False
        elif verdict == "note":
            late.append(method)
            run_concurrent = not hung
    return evidence if evidence is not None else PropertyResult(title, True, late_note(late))


def late_note(methods: list[str]) -> str:
    """The one line a passing real-process property shows when its concurrent run did not
    finish in time under ``methods`` (empty: no note)."""
    if not methods:
        return ""
    return (f"under {' and '.join(methods)} the processes did not all finish in time; that costs no "
            f"points, since a busy machine can cause it too (the interleaving checks judge deadlocks)")

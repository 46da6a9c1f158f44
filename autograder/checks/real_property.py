"""What the exercises' real-process checks share: their deadlines, the start methods, what
one run showed (:class:`RealOutcome`), how a property weighs runs with one child against
runs of several processes at once (:func:`real_property`), and reading what a child reported.
"""
from __future__ import annotations

import ast
import contextlib
from dataclasses import dataclass

from .common import Stuck, call_with_deadline
from .realrun import Call
from .report import PropertyResult
from .settings import active


_standing_down: list = []     # the deadlock a step-by-step check found, while real checks run


@contextlib.contextmanager
def stand_down(deadlock: PropertyResult):
    """While real checks run after a step-by-step check found ``deadlock``: their runs of
    several processes at once do not run (they could hang the same way: a verdict by luck)
    and agree with it instead; runs of one child still decide."""
    _standing_down.append(deadlock)
    try:
        yield
    finally:
        _standing_down.pop()


def agreeing(title: str) -> PropertyResult | None:
    """The result a real check gives instead of running processes together while standing
    down (None otherwise): failed with the deadlock's kind, the same text on every run."""
    if not _standing_down:
        return None
    deadlock = _standing_down[-1]
    return PropertyResult(title, False, (
        f"not run in real processes: the step-by-step check found that your processes can block for good "
        f"({deadlock.message.rstrip('.')}), so a real run could hang the same way"), kind="deadlock",
        fix=deadlock.fix)


def start_methods() -> list[str]:
    """The start methods the real runs use, in order (c.Checks.start_methods)."""
    return list(active().start_methods)


def describe_calls(calls: list[list[Call]]) -> str:
    return "; ".join(f"P{i}: " + ", ".join(c.describe() for c in proc) for i, proc in enumerate(calls, 1))


def built_within(make, seconds: float | None = None):
    """``make`` (ctx -> object) for run_real, with a deadline (default: the constructor's,
    c.Checks.constructor_deadline): a constructor that never returns is reported as an error
    instead of hanging the checks."""
    def make_with_deadline(ctx):
        try:
            return call_with_deadline(lambda: make(ctx), seconds or active().constructor_deadline)
        except Stuck as exc:
            raise Stuck(f"it {exc}") from None
    return make_with_deadline


def reported_int(text: str):
    """A child's result (its repr) as an int if it is an int literal, else the text itself
    (which then equals no int a check expects)."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text
    return value if type(value) is int else text


def unshared_hint(changed: str, what: str, primitives: str) -> str:
    """The sentence for state that each process keeps its own copy of: ``changed`` says who
    changed their copy under which start method, then where ``what`` belongs."""
    return (f"{changed}. Keep {what} in shared memory from ctx ({primitives}), not in a Python list "
            f"or a plain attribute")


@dataclass
class RealOutcome:
    """What one real run showed, in ``scenario``. From a run with one child, ``problem`` fails
    the property. From a run of several processes at once, ``problem`` is evidence only a
    wrong answer can produce (an update lost, an item delivered twice or never, money created
    or destroyed, an object that cannot be built or sent); ``late`` says the processes did not
    all finish cleanly in time, which a busy machine can cause too, and ``hung`` that a call
    never returned."""

    scenario: str
    problem: str | None = None
    late: bool = False
    hung: bool = False
    kind: str = ""            # the problem's kind for its failure class (checks/classes.py)


def real_property(title: str, alone, together, fix: str = "") -> PropertyResult:
    """A real-process property: evidence of a bug fails it, absence of evidence proves nothing.

    Under every start method in turn, ``alone(method)`` runs one child at a time and decides
    (a RealOutcome whose problem fails the property): a failure that repeats on every run is
    the one to report, whatever a race happens to show, so these runs all come first and the
    first problem ends the property (an object spawn cannot send fails at once, instead of
    after a run under fork that hangs until its deadline). Then ``together(method)`` runs
    several processes at once: its problem is evidence and fails the property; a late run is
    never a pass: the result has kind "late", and the exercise's classes (checks/classes.py)
    fail it with the controlled checks' deadlock, or call it inconclusive. After a hang or
    evidence the remaining methods skip the run together (a hang costs the whole deadline, and
    evidence is already in). ``fix`` is the sentence shown with evidence of a bug.
    """
    for method in start_methods():
        decided = alone(method)
        if decided.problem:
            return PropertyResult(title, False, decided.problem, decided.scenario, kind=decided.kind)
    late = []
    evidence = None
    run_together = True
    for method in start_methods():
        if not run_together or _standing_down:
            break
        outcome = together(method)
        if outcome.problem:
            evidence = PropertyResult(title, False, outcome.problem, outcome.scenario, fix=fix, evidence=True,
                                      kind=outcome.kind)
            run_together = False
        elif outcome.late:
            late.append(method)
            run_together = not outcome.hung
    if evidence is not None:
        return evidence
    if _standing_down:
        return agreeing(title)
    return PropertyResult(title, True, late_note(late), kind="late") if late else \
        PropertyResult(title, True, ran_under())


def ran_under() -> str:
    """A passing real-process check's note: where it ran (the same on every run)."""
    return f"real processes under {', '.join(start_methods())}"


def late_note(methods: list[str]) -> str:
    """What a real run that did not finish under ``methods`` says (its result's kind is "late")."""
    return f"under {' and '.join(methods)} they did not all finish within the deadline"

"""Points by failure class: every check of an exercise runs, each failure is sorted into the
classes of what went wrong (a lost update, an item delivered twice, a deadlock, ...), and a
suite's rows are those classes (weights.POINTS), not its checks.

The rules (README, "Determinism"):

* a class fails when any check, of any suite, found a failure of that class: its points are
  lost in both test cells, once;
* a row's text is told from its first failure in a fixed order: this suite's checks before
  the other's, failures that repeat on every run (controlled, one-process and one-child runs)
  before evidence a real concurrent run happened to show; so the verdict is a function of the
  answer and the course's seed whenever the class fails anywhere deterministically;
* a real run whose processes did not finish is never a pass: when the class failed elsewhere
  the row fails with that story; else the row is *inconclusive* (``PropertyResult.inconclusive``,
  the machine-readable mark an instructor's flag is raised from), scored from the other checks.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .common import tame_numbers
from .real_property import ran_under
from .report import PropertyResult


class FailureClass:
    """One row of a suite's table: ``__name__`` is its id (its key in weights.POINTS)."""

    def __init__(self, id_: str, title: str):
        self.__name__, self.title = id_, title

    def __repr__(self):
        return f"FailureClass({self.__name__!r})"


@dataclass
class Outcome:
    """One check's result, the suite that names it, and the classes its failure belongs to."""

    check: str
    suite: str
    result: PropertyResult
    classes: tuple[str, ...] = ()
    covers: tuple[str, ...] = ()          # the classes this check judges (for a pass's note)
    real: bool = False                    # runs real processes (what it shows may differ run to run)

    @property
    def late(self) -> bool:
        return self.result.kind == "late"


@dataclass(frozen=True)
class Classifier:
    """How an exercise sorts failures: ``covers[check]`` the classes a check judges (its first
    is where a failure of an unknown kind goes); ``by_kind[kind]`` the classes of a failure of
    that kind (a story pattern, an engine failure kind or a Finding's own kind); a check in
    ``sole`` puts every failure in its first class. ``late`` is the class a real run that did
    not finish belongs to."""

    classes: tuple[FailureClass, ...]
    covers: dict
    by_kind: dict
    late: str
    sole: frozenset = frozenset()         # checks whose every failure is of their first class

    def classes_of(self, check: str, result: PropertyResult) -> tuple[str, ...]:
        if result.passed:
            return ()
        if check in self.sole:
            return self.covers[check][:1]
        found = self.by_kind.get(result.kind)
        return tuple(found) if found else self.covers[check][:1]

    def title(self, class_id: str) -> str:
        return next(c.title for c in self.classes if c.__name__ == class_id)


#: kinds of failure that mean processes can block for good
DEADLOCK_KINDS = ("deadlock", "deadlock-cycle", "lost-wakeup", "step-budget")
_DEADLOCK_TOLD = ("In real processes the same code can stop for good (a run that hangs is never credited); "
                  "the step-by-step check shows why.")


def rows(classifier: Classifier, suite: str, outcomes: list[Outcome], table: list) -> list[PropertyResult]:
    """The suite's rows, one per ``(FailureClass, points)`` of ``table``, from every check's outcome."""
    order = sorted(outcomes, key=lambda o: (o.result.evidence, o.suite != suite))
    out = []
    for item, points in table:
        cid = item.__name__
        failed = [o for o in order if cid in o.classes]
        if failed:
            row = _failed_row(classifier, cid, failed[0], suite)
        else:
            late = [o for o in outcomes if o.late] if cid == classifier.late else []
            row = _passed_row(classifier, cid, [o for o in outcomes if cid in o.covers], late)
        row.points, row.id = points, cid
        out.append(row)
    return out


def _failed_row(classifier, cid, first: Outcome, suite: str) -> PropertyResult:
    r = first.result
    hidden_elsewhere = first.suite != suite and first.suite.startswith("hidden")
    where = "a hidden check" if hidden_elsewhere else f"“{r.name}”"
    timeline = r.timeline
    if r.kind in DEADLOCK_KINDS:
        timeline = "\n".join(filter(None, [timeline, _DEADLOCK_TOLD]))
    return PropertyResult(tame_numbers(f"{classifier.title(cid)} (found by {where})"), False,
                          tame_numbers(r.message), "" if hidden_elsewhere else tame_numbers(r.scenario),
                          tame_numbers(timeline), r.fix, r.replay, evidence=r.evidence, kind=r.kind)


def _passed_row(classifier, cid, covering: list[Outcome], late: list[Outcome]) -> PropertyResult:
    title = classifier.title(cid)
    if late:
        return PropertyResult(title, True, (
            f"inconclusive: in “{late[0].result.name}” the processes did not finish in time "
            f"({late[0].result.message}); the step-by-step checks found no deadlock, so this is scored "
            f"from them, and your instructor is asked to look at it"), inconclusive=True, kind="late")
    # the note is the same on every run: what the deterministic checks covered, and where the
    # real-process checks ran (never what a real run happened to show)
    if not covering:
        return PropertyResult(title, True)
    steady = [o for o in covering if not o.real]
    notes = list(dict.fromkeys(o.result.message for o in steady if o.result.passed and o.result.message))
    if len(steady) < len(covering):
        notes.append(ran_under())
    shown = "; ".join(n if len(n) <= 80 else n[:77] + "..." for n in notes[:2]) + \
        (f"; and {len(notes) - 2} more" if len(notes) > 2 else "")
    return PropertyResult(title, True, f"{len(covering)} check{'s' if len(covering) > 1 else ''}"
                          + (f": {shown}" if shown else ""))

"""A graded exercise as the grader sees it: the class its contract promises, and the
properties each suite checks (one :class:`Exercise` per package in checks/)."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from .answers import require_class
from .real_property import stand_down
from .report import PropertyResult, Report
from .classes import DEADLOCK_KINDS, Classifier, Outcome, rows
from .weights import POINTS


@dataclass(frozen=True)
class Exercise:
    """One graded exercise. To add one (contracts: "Exercise contracts" in DESIGN.md):

    1. make a package ``checks/<id>/`` with its one-process checks, controlled checks
       (checks.controlled) and real-process checks (checks.real_property) in modules of their
       own; a check is a function ``(cls) -> PropertyResult``, and its name is its id;
    2. in the package's ``__init__.py`` set ``EXERCISE = Exercise(...)`` with the fields below;
    3. give every failure class its points in ``weights.POINTS[<id>]`` (a suite's points add
       up to the points of the test cell that runs it) and add ``<id>`` to ``checks.EXERCISES``.

    ``id``: the answer cell's grade_id; ``class_name``, ``signature`` and ``required`` (the
    constructor's parameters): what :meth:`load` demands of the answer, and what a student is
    told when it is missing. ``suites``: ``{suite: [check, ...]}``, the checks each test cell
    names (its scenarios are shown in that cell's feedback). ``classifier``
    (checks.classes.Classifier): the failure classes, which checks judge which, and which
    class a failure of each kind belongs to. A suite's rows are failure classes: every check
    of every suite runs (:meth:`outcomes`), and a class fails in every suite when any check
    found a failure of it (checks/classes.py).
    Override :meth:`load` for an answer that is not one class.
    """

    id: str
    class_name: str
    signature: str
    required: tuple[str, ...]
    suites: dict[str, list]
    classifier: Classifier = None

    def __post_init__(self):
        known = {c.__name__ for c in self.classifier.classes}
        table = {cid for points in POINTS[self.id].values() for cid in points}
        if not table <= known:
            raise ValueError(f"{self.id}: the points table names classes {sorted(table - known)} the "
                             f"classifier does not know")
        checks = {p.__name__ for props in self.suites.values() for p in props}
        if checks != set(self.classifier.covers):
            raise ValueError(f"{self.id}: the classifier covers {sorted(self.classifier.covers)}, the suites "
                             f"have {sorted(checks)}")

    def load(self, module):
        """The class the contract names in the answer's module (AnswerError if it cannot be used)."""
        return require_class(module, self.class_name, self.signature, self.required)

    def table(self, suite: str, points: dict | None = None) -> list:
        """``[(failure class, points), ...]`` of one suite; ValueError if there is no such suite.
        ``points``: a whole table like weights.POINTS (a course's own weights) instead of it."""
        if suite not in self.suites:
            raise ValueError(f"{self.id} has no {suite!r} suite; choose from {', '.join(self.suites)}")
        weights = (points or POINTS)[self.id][suite]
        classes = {c.__name__: c for c in self.classifier.classes}
        return [(classes[cid], weights[cid]) for cid in POINTS[self.id][suite]]

    def property(self, name: str):
        """The check whose id is ``name``; ValueError naming the exercise's checks."""
        props = {p.__name__: p for suite in self.suites.values() for p in suite}
        if name not in props:
            raise ValueError(f"{self.id} has no property {name!r}; its properties are {', '.join(props)}")
        return props[name]

    def outcomes(self, cls) -> list[Outcome]:
        """Every check of every suite on the answer's class, in the suites' order (remembered
        for the last class, so that two suites run in one process check it once)."""
        if _last.get("key") == (self.id, id(cls)) and _last.get("cls") is cls:
            return _last["outcomes"]
        found = []
        checks = [(suite, prop) for suite, props in self.suites.items() for prop in props]
        # real-process checks last: when a step-by-step check found a deadlock they agree with it
        # instead of running (their processes could hang the same way: a verdict by luck)
        for suite, prop in sorted(checks, key=lambda c: is_real(c[1])):
            deadlock = next((o.result for o in found if o.result.kind in DEADLOCK_KINDS), None)
            standing = stand_down(deadlock) if is_real(prop) and deadlock is not None else contextlib.nullcontext()
            with standing:
                try:
                    result = prop(cls)
                except Exception as exc:  # a bug in a check must not read as the student's fault silently
                    result = PropertyResult(prop.__name__, False,
                                            f"the check itself failed: {type(exc).__name__}: {exc}")
                result.id = prop.__name__
                found.append(Outcome(prop.__name__, suite, result,
                                     self.classifier.classes_of(prop.__name__, result),
                                     tuple(self.classifier.covers[prop.__name__]), is_real(prop)))
        _last.update(key=(self.id, id(cls)), cls=cls, outcomes=found)
        return found

    def run_suite(self, suite: str, cls, points: dict | None = None) -> Report:
        """The rows of ``suite`` (its failure classes, with their points) from every check's
        outcome on the answer's class."""
        report = Report(self.id, suite)
        report.results = rows(self.classifier, suite, self.outcomes(cls), self.table(suite, points))
        return report


_last: dict = {}



def is_real(check) -> bool:
    """Whether ``check`` runs real processes (checks/<exercise>/real_processes.py)."""
    return getattr(check, "__module__", "").endswith(".real_processes")

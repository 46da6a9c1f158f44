"""A graded exercise as the grader sees it: the class its contract promises, and the
properties each suite checks (one :class:`Exercise` per package in checks/)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .answers import require_class
from .report import PropertyResult, Report
from .weights import POINTS


@dataclass(frozen=True)
class Exercise:
    """One graded exercise. To add one (contracts: "Exercise contracts" in DESIGN.md):

    1. make a package ``checks/<id>/`` with its one-process checks, controlled checks
       (checks.controlled) and real-process checks (checks.real_property) in modules of their
       own; a property is a function ``(cls) -> PropertyResult``, and its name is its id;
    2. in the package's ``__init__.py`` set ``EXERCISE = Exercise(...)`` with the fields below;
    3. give every property its points in ``weights.POINTS[<id>]`` (a suite's points add up to
       the points of the test cell that runs it) and add ``<id>`` to ``checks.EXERCISES``.

    ``id``: the answer cell's grade_id; ``class_name``, ``signature`` and ``required`` (the
    constructor's parameters): what :meth:`load` demands of the answer, and what a student is
    told when it is missing. ``suites``: ``{suite: [property, ...]}`` in the order the test
    cell reports them. ``contradicted_by_evidence``: ``{real property: controlled property}``
    where real-process evidence of a bug disproves what the controlled runs passed (a class
    that passes those and fails in real processes behaves differently under the grader's
    context, for instance by looking at which ctx it got); :meth:`run_suite` then fails both.
    Override :meth:`load` for an answer that is not one class.
    """

    id: str
    class_name: str
    signature: str
    required: tuple[str, ...]
    suites: dict[str, list]
    contradicted_by_evidence: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        named = {suite: [p.__name__ for p in props] for suite, props in self.suites.items()}
        expected = {suite: list(points) for suite, points in POINTS[self.id].items()}
        if named != expected:
            raise ValueError(f"{self.id}: the suites' properties {named} do not match the points table {expected}")

    def load(self, module):
        """The class the contract names in the answer's module (AnswerError if it cannot be used)."""
        return require_class(module, self.class_name, self.signature, self.required)

    def table(self, suite: str, points: dict | None = None) -> list:
        """``[(property, points), ...]`` of one suite; ValueError if there is no such suite.
        ``points``: a whole table like weights.POINTS (a course's own weights) instead of it."""
        if suite not in self.suites:
            raise ValueError(f"{self.id} has no {suite!r} suite; choose from {', '.join(self.suites)}")
        weights = (points or POINTS)[self.id][suite]
        return [(prop, weights[prop.__name__]) for prop in self.suites[suite]]

    def property(self, name: str):
        """The property whose id is ``name``; ValueError naming the exercise's properties."""
        props = {p.__name__: p for suite in self.suites.values() for p in suite}
        if name not in props:
            raise ValueError(f"{self.id} has no property {name!r}; its properties are {', '.join(props)}")
        return props[name]

    def run_suite(self, suite: str, cls) -> Report:
        """Every property of ``suite`` on the answer's class, in order, with its points; then
        real-process evidence also fails the controlled property it disproves."""
        report = Report(self.id, suite)
        for prop, points in self.table(suite):
            try:
                result = prop(cls)
            except Exception as exc:  # a bug in a check must not read as the student's fault silently
                result = PropertyResult(prop.__name__, False,
                                        f"the check itself failed: {type(exc).__name__}: {exc}")
            result.points, result.id = points, prop.__name__
            report.results.append(result)
        self._fail_what_evidence_disproves(report.results)
        return report

    def _fail_what_evidence_disproves(self, results: list[PropertyResult]) -> None:
        by_id = {r.id: r for r in results}
        for real_id, controlled_id in self.contradicted_by_evidence.items():
            real, controlled = by_id.get(real_id), by_id.get(controlled_id)
            if real and controlled and real.evidence and not real.passed and controlled.passed:
                controlled.passed, controlled.evidence = False, True
                controlled.message = (
                    f"the controlled runs found nothing, but real processes did ({real.name}): the "
                    f"class behaves differently under the grader's context than under multiprocessing's")
                controlled.fix = ("do the same thing whatever ctx you are given: take your lock on every "
                                  "call, do not look at which context you got")

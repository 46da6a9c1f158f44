"""Verdicts a student can act on: one result per property, and their rendering.

A failing property reads as a story: what went wrong (one sentence), the scenario, the few
steps that matter with the line of the student's code each one ran (controlled runs), one
sentence on how to fix it, and the notebook call that replays the run step by step with a
picture. A passing property may carry a short note (what was covered, or a real run that did
not finish in time, which costs nothing)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class PropertyResult:
    name: str                 # what was checked, e.g. "no lost updates across processes"
    passed: bool
    message: str = ""         # one sentence: what was expected and what happened
    scenario: str = ""        # the processes and their calls
    timeline: str = ""        # the decisive steps of a failing run and what they show (controlled runs)
    fix: str = ""             # one sentence: how to fix it
    replay: str = ""          # the notebook call that replays the failing run, e.g. autograder.replay(...)
    points: float = 1.0       # what passing this property is worth in its test cell
    id: str = ""              # the property's function name: its key in the suite's table
    evidence: bool = False    # failed on what a real concurrent run happened to show (a race
    #                           may show on one run and not the next; the README has the rates)
    kind: str = ""            # what kind of failure (a story pattern, an engine failure kind, a
    #                           check's own: "not-shared", "money", ...; "late": a real run did not finish)
    inconclusive: bool = False  # passed on the other checks although a real run did not finish:
    #                             the mark an instructor's flag is raised from (classes.py)

    def render(self, detailed: bool = True) -> str:
        """The verdict as feedback shows it; ``detailed=False`` (hidden suites) leaves out the
        scenario line."""
        mark = "INCONCLUSIVE" if self.inconclusive else "PASS" if self.passed else "FAIL"
        lines = [f"[{mark}] {self.name}"]
        if self.passed:
            if self.message:                 # a note that does not cost points
                lines.append(f"       note: {self.message}")
            return "\n".join(lines)
        lines.append(f"       {_sentence(self.message)}")
        if detailed and self.scenario:
            lines.append(f"       In {self.scenario}:" if self.timeline else f"       scenario: {self.scenario}")
        lines += ["       " + line for line in self.timeline.splitlines()]
        if self.fix:
            lines.append(f"       Fix: {_sentence(self.fix)}")
        if self.replay:
            lines.append(f"       Every step, with a picture: {self.replay}")
        return "\n".join(lines)


@dataclass
class Report:
    exercise: str
    suite: str
    results: list[PropertyResult] = field(default_factory=list)
    problem: str = ""          # why no property could be checked (then every one failed)
    notes: list[str] = field(default_factory=list)   # advice read in the answer (admission), no points

    @property
    def unanswered(self) -> bool:
        """The exercise is not answered yet (then feedback says so in one line)."""
        return self.problem.startswith(NOT_ANSWERED)

    @classmethod
    def not_checked(cls, exercise: str, suite: str, table: list, problem: str) -> "Report":
        """Every property of the suite failed, for one reason (the answer cannot be loaded,
        the checks ran out of time, ...)."""
        return cls(exercise, suite, [PropertyResult(prop.__name__, False, "not checked", points=points,
                                                    id=prop.__name__) for prop, points in table], problem)

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    @property
    def inconclusive(self) -> list[str]:
        """The ids of the rows scored from the step-by-step checks because a real run did not
        finish: raise an instructor's flag for each (machine-readable; the text says so too)."""
        return [r.id for r in self.results if r.inconclusive]

    @property
    def total(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def earned(self) -> float:
        return sum(r.points for r in self.results if r.passed)

    def failures(self) -> list[PropertyResult]:
        return [r for r in self.results if not r.passed]

    def render(self, detailed: bool = True) -> str:
        head = f"{self.exercise} · {self.suite} checks: " + (
            "all passed" if self.passed else f"{len(self.failures())} of {len(self.results)} failed") + \
            f" ({self.earned:g} of {self.total:g} points)"
        if self.unanswered:
            return f"{self.exercise} · {self.suite} checks: {self.problem} (0 of {self.total:g} points)"
        if self.problem:
            return f"{head}\n  {self.problem}"
        body = [r.render(detailed) for r in self.results]
        return "\n".join([head, *(f"  {note}" for note in self.notes), *body])

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Report":
        data = json.loads(text)
        data["results"] = [PropertyResult(**r) for r in data["results"]]
        return cls(**data)

    @classmethod
    def from_untrusted(cls, data, exercise: str, suite: str, table: list) -> "Report":
        """A report that crossed the sandbox boundary, checked against the suite's own table
        of ``(property, points)``: the same properties in the same order, plain types only,
        bounded text. The points come from the table, never from the reply. Raises
        ValueError naming what is wrong."""
        if not isinstance(data, dict) or set(data) - {"notes"} != {"exercise", "suite", "results", "problem"}:
            raise ValueError("the report does not have the expected fields")
        if data["exercise"] != exercise or data["suite"] != suite:
            raise ValueError("the report is for another exercise or suite")
        results = data["results"]
        if type(results) is not list or len(results) != len(table):
            raise ValueError(f"the report has {len(results) if type(results) is list else 'no'} results, "
                             f"the suite has {len(table)} properties")
        if type(data["problem"]) is not str:
            raise ValueError("the report's problem is not text")
        report = cls(exercise, suite, problem=data["problem"][:_TEXT_LIMITS["message"]])
        for raw, (prop, points) in zip(results, table):
            if type(raw) is not dict or set(raw) != _RESULT_FIELDS or raw["id"] != prop.__name__:
                raise ValueError(f"result for {prop.__name__} is malformed")
            if any(type(raw[key]) is not bool for key in ("passed", "evidence", "inconclusive")):
                raise ValueError(f"result for {prop.__name__} has a non-boolean verdict")
            texts = {}
            for key, limit in _TEXT_LIMITS.items():
                if type(raw[key]) is not str:
                    raise ValueError(f"result for {prop.__name__}: {key} is not text")
                texts[key] = raw[key] if len(raw[key]) <= limit else raw[key][:limit] + " [...]"
            report.results.append(PropertyResult(passed=raw["passed"], points=points, id=prop.__name__,
                                                 evidence=raw["evidence"], inconclusive=raw["inconclusive"],
                                                 **texts))
        return report


_TEXT_LIMITS = {"name": 400, "message": 4_000, "scenario": 2_000, "timeline": 8_000, "fix": 1_000,
                "replay": 400, "kind": 40}
_RESULT_FIELDS = {"id", "passed", "points", "evidence", "inconclusive", *_TEXT_LIMITS}

#: how a Report's problem begins when the exercise has no answer yet
NOT_ANSWERED = "not answered yet"


def _sentence(text: str) -> str:
    """``text`` as a sentence: a capital first, a full stop last (messages are written without)."""
    text = text.rstrip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?:" else text + "."


class CheckFailed(AssertionError):
    """Raised by a test cell whose checks failed; shown as one line, not a traceback.

    IPython calls ``_render_traceback_`` instead of printing the traceback, so a hidden
    test's source never appears in a student's feedback.
    """

    def _render_traceback_(self):
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]

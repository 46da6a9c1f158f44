"""Verdicts a student can act on: one result per property, and their rendering."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class PropertyResult:
    name: str                 # what was checked, e.g. "no lost updates across processes"
    passed: bool
    message: str = ""         # one sentence: what was expected and what happened
    scenario: str = ""        # the processes and their calls
    timeline: str = ""        # a failing schedule, step by step (controlled runs)
    seed: int | None = None   # how to replay a controlled run
    points: float = 1.0       # what passing this property is worth in its test cell

    def render(self, detailed: bool = True) -> str:
        mark = "PASS" if self.passed else "FAIL"
        lines = [f"[{mark}] {self.name}"]
        if self.passed and self.message:     # a note that does not cost points
            lines.append(f"       note: {self.message}")
        if not self.passed:
            lines.append(f"       {self.message}")
            if detailed and self.scenario:
                lines.append("       scenario: " + self.scenario)
            if detailed and self.timeline:
                lines += ["       " + line for line in self.timeline.splitlines()]
            if detailed and self.seed is not None:
                lines.append(f"       (seed {self.seed})")
        return "\n".join(lines)


@dataclass
class Report:
    exercise: str
    suite: str
    results: list[PropertyResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # e.g. which start methods were used

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

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
        body = [r.render(detailed) for r in self.results]
        return "\n".join([head, *body, *(f"  ({n})" for n in self.notes)])

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Report":
        data = json.loads(text)
        data["results"] = [PropertyResult(**r) for r in data["results"]]
        return cls(**data)


class CheckFailed(AssertionError):
    """Raised by a test cell whose checks failed; shown as one line, not a traceback.

    IPython calls ``_render_traceback_`` instead of printing the traceback, so a hidden
    test's source never appears in a student's feedback.
    """

    def _render_traceback_(self):
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]

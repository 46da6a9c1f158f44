"""What one ``make grade`` tells the instructor: the table, ``grading-report.csv`` and the
"needs your attention" list (flags.py renders the flags; grades.py gives the numbers).

A run that graded a subset (a student, an assignment, a shard) replaces only its own rows of
``grading-report.csv`` and keeps every other row as it was, under a file lock, so shards that
share a course folder do not lose each other's rows.
"""
from __future__ import annotations

import csv
import fcntl
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.spreadsheet import write_dicts
from . import flags as flagging
from .flags import Flag
from .names import printable, shown

COLUMNS = ["student", "assignment", "status", "score", "max_score", "raw_score", "late_penalty", "executed",
           "reason", "failed_tests", "flags"]


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    executed: bool
    reason: str = ""             # why it was not executed, or ""
    score: float | None = None   # after the late penalty (grades.Grade.score); None: no grade
    max_score: float | None = None
    raw_score: float | None = None
    penalty: float = 0.0
    status: str = ""             # grades.py's status, or "" when the submission has no grade
    failed_tests: tuple = ()     # grade ids of test cells that lost points
    flags: list[Flag] = field(default_factory=list)

    def row(self) -> list:
        number = (lambda x: "" if x is None else f"{x:g}")
        return [self.student, self.assignment, self.status, number(self.score), number(self.max_score),
                number(self.raw_score), f"{self.penalty:g}", self.executed, self.reason,
                " ".join(self.failed_tests), flagging.to_cell(self.flags)]


def render_table(results: list[SubmissionResult]) -> str:
    rows = [("student", "assignment", "score", "status")]
    for r in results:
        if not r.executed:
            status = (f"not graded: {r.reason}" if r.score is None
                      else f"NOT EXECUTED (0 points): {r.reason}")
        elif r.score is None:
            status = "no grade"
        elif r.failed_tests:
            status = f"{r.status}; lost points in " + ", ".join(r.failed_tests)
        else:
            status = f"{r.status}; full marks" if r.score == r.max_score else r.status
        if r.penalty:
            status += f" (late penalty -{r.penalty:g})"
        score = "-" if r.score is None else f"{r.score:g} / {r.max_score:g}"
        # Names and reasons come from students (folder and file names): control characters
        # are written as escapes, so they cannot move the terminal's cursor (names.py).
        rows.append((shown(r.student), shown(r.assignment), score, printable(status)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    lines.insert(1, "-" * min(100, max(len(line) for line in lines)))
    return "\n".join(lines) + flagging.attention(results)


@contextmanager
def _locked(path: Path):
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def write_report(path: Path, results: list[SubmissionResult], *, keep_others: bool = False) -> None:
    """Write ``grading-report.csv``; with ``keep_others``, rows of submissions not in
    ``results`` are kept from the file as they were."""
    path = Path(path)
    with _locked(path):
        mine = {(r.student, r.assignment) for r in results}
        kept = []
        if keep_others and path.exists():
            with open(path, newline="") as f:
                kept = [row for row in csv.DictReader(f) if (row.get("student"), row.get("assignment")) not in mine]
        rows = [dict(zip(COLUMNS, map(str, r.row()))) for r in results] + kept
        rows.sort(key=lambda row: (row.get("student", ""), row.get("assignment", "")))
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", newline="") as f:
            write_dicts(f, COLUMNS, rows)     # no cell a spreadsheet reads as a formula
        tmp.replace(path)


def read_report(path: Path) -> list[SubmissionResult]:
    """``grading-report.csv`` back as results (the class summary reads the flags from it)."""
    if not Path(path).exists():
        return []
    results = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            number = (lambda x: float(x) if x not in ("", None) else None)
            results.append(SubmissionResult(
                row["student"], row["assignment"], row["executed"] == "True", row.get("reason", ""),
                number(row.get("score")), number(row.get("max_score")), number(row.get("raw_score")),
                number(row.get("late_penalty")) or 0.0, row.get("status", ""),
                tuple(row.get("failed_tests", "").split()), flagging.from_cell(row.get("flags", ""))))
    return results

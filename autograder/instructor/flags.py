"""What needs a human: the flags a submission can carry, and their one rendering.

A flag is a kind and a detail (``Flag("late", "2 h 5 min after the due date: -4.5 points")``).
Every part of grading feeds the same list per submission (grading.SubmissionResult.flags):
the intake (an unsafe name, a look-alike id, a link or special file not copied, a folder for
an assignment the course does not have, a student who is not on the roster; intake.py names
the submission a flag belongs to, since it finds flags before there is a result to attach
them to), a grader error or a feedback page that failed, the cell comparison (a test cell deleted and restored, a locked cell edited), the
gradebook (late, a written answer to grade by hand), the run itself (not executed) and the
trusted grader, which writes ``{"kind": ..., "detail": ...}`` entries into an autograded test
cell's ``metadata["autograder"]["flags"]`` (read back by :func:`from_notebook`: TrustedScores
raises ``inconclusive`` there when a real run did not finish and no deadlock explains it). They are rendered in one place: the
``flags`` column of grading-report.csv (:func:`to_cell`, read back by :func:`from_cell`) and
the "needs your attention" list at the end of the ``make grade`` table (:func:`attention`).

A *problem* flag means a grade may be wrong or missing until someone acts; ``make grade``
then exits 1 (the README's exit codes). The others are the normal work of a semester.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .names import printable, shown


@dataclass(frozen=True)
class Kind:
    name: str
    problem: bool         # a grade may be wrong or missing until someone acts: make grade exits 1
    action: str           # what the instructor does about it


LATE = "late"
MANUAL = "needs manual grading"
RESTORED = "test cell restored"
EDITED = "test cell edited"
NOT_ON_ROSTER = "not on the roster"
UNKNOWN_ASSIGNMENT = "unknown assignment"
NOT_EXECUTED = "not executed"
INCONCLUSIVE = "inconclusive"
UNSAFE_NAME = "unsafe name"
LOOKS_LIKE = "looks like another id"
REFUSED_FILE = "file refused"
TOO_BIG = "submission too big"
GRADER_ERROR = "grader error"
FEEDBACK_FAILED = "feedback failed"

KINDS = {k.name: k for k in (
    Kind(NOT_EXECUTED, True, "scored 0 with the reason; fix the cause or ask the student to resubmit, "
                             "then `make grade STUDENT=<id> ASSIGNMENT=<name>`"),
    Kind(INCONCLUSIVE, True, "the checks could not decide; look at the autograded notebook and grade it "
                             "by hand in the formgrader, or regrade it"),
    Kind(UNSAFE_NAME, True, "not graded: rename the folder to the student's real id (letters, digits, "
                            "_ . -; see autograder/instructor/names.py) and grade again"),
    Kind(GRADER_ERROR, True, "the grader failed on this submission (its detail says how); the others were "
                             "graded: fix the cause and `make grade STUDENT=<id> ASSIGNMENT=<name>`"),
    Kind(FEEDBACK_FAILED, True, "its feedback page was not made (the others were): see the detail, then "
                                "`make feedback`"),
    Kind(LOOKS_LIKE, True, "graded, but the id looks like another one: check that both are real students"),
    Kind(UNKNOWN_ASSIGNMENT, True, "no such assignment in source/: rename the folder to the assignment's "
                                   "name, or delete it"),
    Kind(NOT_ON_ROSTER, True, "graded, but kept out of the gradebook: add the student "
                              "(`nbgrader db student add <id> --first-name ... --last-name ...`) and "
                              "`make grade STUDENT=<id>`, or delete the folder"),
    Kind(MANUAL, False, "grade the written answers in the formgrader, then `make feedback`"),
    Kind(LATE, False, "the course's late penalty is applied everywhere; give an extension with "
                      "`python -m autograder extension` and regrade to lift it"),
    Kind(RESTORED, False, "a test cell the student deleted was put back and graded; nothing to do "
                          "unless you want a word with them"),
    Kind(EDITED, False, "the student changed a locked cell; the original was graded"),
    Kind(REFUSED_FILE, False, "a link, FIFO, device or other special file in the submission was not copied "
                              "(only regular files are graded)"),
    Kind(TOO_BIG, False, "files past the size or count limit (c.Intake.*) were not copied"),
)}


@dataclass(frozen=True)
class Flag:
    kind: str             # one of KINDS
    detail: str = ""      # the case: which cell, how late, why not executed
    # The submission it belongs to, when it is found before the submission's result exists
    # (the intake, feedback); not part of what the flag says.
    student: str = field(default="", compare=False)
    assignment: str = field(default="", compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown flag {self.kind!r}; the flags are {', '.join(KINDS)}")

    @property
    def problem(self) -> bool:
        return KINDS[self.kind].problem

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}" if self.detail else self.kind


SEPARATOR = "; "


def to_cell(flags) -> str:
    """The flags as one CSV cell (``late: 2 h after the due date; test cell restored: ...``)."""
    return SEPARATOR.join(str(f) for f in flags)


def from_cell(text: str) -> list[Flag]:
    """The flags of a CSV cell written by :func:`to_cell`. A part that does not start with a
    kind belongs to the previous flag's detail (a detail may contain the separator)."""
    found: list[list[str]] = []
    for part in text.split(SEPARATOR):
        kind, _, detail = part.strip().partition(": ")
        if kind in KINDS:
            found.append([kind, detail])
        elif found:
            found[-1][1] += SEPARATOR + part
    return [Flag(kind, detail) for kind, detail in found]


def from_notebook(nb) -> list[Flag]:
    """Flags the trusted grader wrote into an autograded notebook's cells
    (``metadata["autograder"]["flags"]``: a list of ``{"kind", "detail"}``)."""
    found = []
    for cell in nb.cells:
        for entry in cell.get("metadata", {}).get("autograder", {}).get("flags", []):
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
            detail = str(entry.get("detail", ""))
            found.append(Flag(str(entry.get("kind")), f"{grade_id}: {detail}" if grade_id else detail))
    return found


def problems(rows) -> list:
    """The rows (anything with ``.flags``) that carry a problem flag."""
    return [r for r in rows if any(f.problem for f in r.flags)]


def attention(rows) -> str:
    """The "needs your attention" list that ends the ``make grade`` table: one line per flag,
    problems first, then what to do about each kind. Empty when nothing is flagged."""
    flagged = [(r, f) for r in rows for f in r.flags]
    if not flagged:
        return ""
    order = list(KINDS)
    flagged.sort(key=lambda rf: (order.index(rf[1].kind), rf[0].student, rf[0].assignment))
    lines = ["", "", "Needs your attention:"]
    for row, flag in flagged:
        mark = "!" if flag.problem else "-"
        lines.append(f"  {mark} {shown(row.student)}/{shown(row.assignment)}: {printable(str(flag))}")
    lines.append("")
    for kind in dict.fromkeys(f.kind for _, f in flagged):
        lines.append(f"  {kind}: {KINDS[kind].action}")
    return "\n".join(lines)

"""The instructor's chain: autograde every submission, feedback, grades CSV, a table.

Every submission ends with a grade. nbgrader runs once per submission, under a deadline,
from a supervisor that adopts orphaned processes (so children that called ``setsid()``
are killed too). A submission nbgrader cannot execute, or that runs out of time, is
recorded in the gradebook with 0 points and the reason, and gets a feedback page that
says what to fix: it is never silently dropped.
"""
from __future__ import annotations

import csv
import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from .nbgrader_cli import gradebook_url, nbgrader
from .processes import become_subreaper

SUBMISSION_DEADLINE = 300.0


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    executed: bool
    reason: str = ""            # why it was not executed, or ""
    score: float = 0.0
    max_score: float = 0.0
    failed_tests: tuple = ()    # grade ids of test cells that lost points


def assignments(course: Path) -> list[str]:
    return sorted(d.name for d in (course / "source").iterdir() if d.is_dir() and d.name[:2].isdigit())


def notebooks_of(course: Path, assignment: str) -> list[str]:
    return sorted(p.name for p in (course / "source" / assignment).glob("*.ipynb"))


def find_submissions(course: Path) -> list[tuple[str, str]]:
    submitted = course / "submitted"
    if not submitted.is_dir():
        return []
    return sorted((s.name, a.name) for s in submitted.iterdir() if s.is_dir()
                  for a in s.iterdir() if a.is_dir())


def preflight(course: Path, student: str, assignment: str) -> str | None:
    """Why nbgrader could not even start on this submission, or None."""
    if assignment not in assignments(course):
        return f"there is no assignment '{assignment}' in source/ (submitted/{student}/{assignment})"
    folder = course / "submitted" / student / assignment
    for name in notebooks_of(course, assignment):
        path = folder / name
        rel = path.relative_to(course)
        if not path.exists():
            found = ", ".join(sorted(p.name for p in folder.glob("*.ipynb"))) or "no notebook"
            return f"{rel} is missing (found {found}); submit the notebook under its original name"
        try:
            json.loads(path.read_text(errors="replace"))
            nbformat.validate(nbformat.read(path, as_version=4))
        except json.JSONDecodeError as exc:
            return f"{rel} is not valid notebook JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        except Exception as exc:  # nbformat's NotJSONError, ValidationError, ...
            first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return f"{rel} is not a valid notebook: {first_line}"
    return None


def autograded_ok(course: Path, student: str, assignment: str) -> bool:
    folder = course / "autograded" / student / assignment
    return all((folder / name).exists() for name in notebooks_of(course, assignment))


def record_not_executed(course: Path, student: str, assignment: str, reason: str) -> None:
    """0 points with the reason in the gradebook, and a notebook that feedback can render."""
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb, warnings.catch_warnings():
        # nbgrader's own add_submission triggers harmless SQLAlchemy autoflush warnings.
        warnings.simplefilter("ignore")
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0.0
            for comment in notebook.comments:
                comment.auto_comment = f"Not graded: {reason}"
        gb.db.commit()

    out = course / "autograded" / student / assignment
    out.mkdir(parents=True, exist_ok=True)
    for name in notebooks_of(course, assignment):
        nb = _readable_notebook(course / "submitted" / student / assignment / name,
                                course / "release" / assignment / name)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.cells.insert(0, new_markdown_cell(
            f"## This submission could not be graded automatically\n\n**Reason:** {reason}\n\n"
            "Every test scored 0. Fix the problem and submit again, or ask your instructor."))
        nbformat.write(nb, out / name)


def _readable_notebook(submitted: Path, release: Path):
    for path in (submitted, release):
        try:
            return nbformat.read(path, as_version=4)
        except Exception:
            continue
    return nbformat.v4.new_notebook()


def grade_submission(course: Path, student: str, assignment: str, deadline: float,
                     sandbox: bool = True) -> SubmissionResult:
    reason = preflight(course, student, assignment)
    if reason is None:
        log_path = course / "autograded" / f".log-{student}-{assignment}.txt"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        extra = [] if sandbox else ["--Sandbox.enabled=False"]
        run = nbgrader(course, "autograde", assignment, "--student", student, "--force", *extra,
                       deadline=deadline, log_path=log_path)
        if run.returncode is None:
            reason = f"grading took longer than {deadline:.0f} s and was stopped"
        elif not run.ok or not autograded_ok(course, student, assignment):
            reason = f"nbgrader could not execute it: {run.last_error()}"
        else:
            log_path.unlink()
    if reason is not None and assignment in assignments(course):
        record_not_executed(course, student, assignment, reason)
    return SubmissionResult(student, assignment, executed=reason is None, reason=reason or "")


def register_assignments(course: Path, names: list[str]) -> None:
    """Put assignments into the gradebook (cells, points, hidden tests) without touching release/."""
    scratch = course / "autograded" / ".release-scratch"
    for name in names:
        run = nbgrader(course, "generate_assignment", name, "--force",
                       f"--CourseDirectory.release_directory={scratch}", deadline=300)
        if not run.ok:
            raise SystemExit(f"nbgrader generate_assignment {name} failed: {run.last_error()}")


def fill_scores(course: Path, results: list[SubmissionResult]) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course)) as gb:
        for r in results:
            try:
                sub = gb.find_submission(r.assignment, r.student)
            except MissingEntry:
                continue
            r.score, r.max_score = sub.score, sub.max_score
            r.failed_tests = tuple(g.name for nb in sub.notebooks for g in nb.grades
                                   if g.cell_type == "code" and g.score < g.max_score)


def render_table(results: list[SubmissionResult]) -> str:
    rows = [("student", "assignment", "score", "status")]
    for r in results:
        if not r.executed:
            status = f"NOT EXECUTED (0 points): {r.reason}"
        elif r.failed_tests:
            status = "graded; lost points in " + ", ".join(r.failed_tests)
        else:
            status = "graded; full marks" if r.score == r.max_score else "graded"
        rows.append((r.student, r.assignment, f"{r.score:g} / {r.max_score:g}", status))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    lines.insert(1, "-" * min(100, max(len(line) for line in lines)))
    return "\n".join(lines)


def write_report(path: Path, results: list[SubmissionResult]) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "score", "max_score", "executed", "reason", "failed_tests"])
        for r in results:
            w.writerow([r.student, r.assignment, r.score, r.max_score, r.executed, r.reason,
                        " ".join(r.failed_tests)])


NO_SANDBOX_WARNING = (
    "WARNING: grading WITHOUT a sandbox (--no-sandbox). Student code runs as you: it can read "
    "and change the gradebook, source/ (the solutions), other submissions and your home "
    "folder, and use the network. Scores still come from the grader's checks, not from the "
    "kernel, but nothing else is protected.")


def check_test_cells(course: Path, names: list[str]) -> None:
    """Every autograded test cell of these assignments is one the trusted grader can score."""
    from .trusted import UngradableCell, is_test_cell, test_call

    for name in names:
        for nb_name in notebooks_of(course, name):
            nb = nbformat.read(course / "source" / name / nb_name, as_version=4)
            for cell in nb.cells:
                if is_test_cell(cell):
                    try:
                        test_call(cell.source)
                    except UngradableCell as exc:
                        grade_id = cell.metadata["nbgrader"].get("grade_id")
                        raise UngradableCell(f"source/{name}/{nb_name}, test cell {grade_id}: {exc}") from None


def grade_course(course: Path, *, deadline: float = SUBMISSION_DEADLINE, sandbox: bool = True,
                 say=print) -> list[SubmissionResult]:
    """Grade every submission. Raises SandboxUnavailable when ``sandbox`` and bubblewrap
    cannot run here, UngradableCell for a test cell the trusted grader cannot score."""
    from .sandbox import check_available

    course = Path(course).resolve()
    if sandbox:
        check_available()
    else:
        say(NO_SANDBOX_WARNING)
    if not become_subreaper():
        say("warning: not on Linux, so children that leave their session may outlive grading")
    submissions = find_submissions(course)
    if not submissions:
        say(f"No submissions: put them in {course / 'submitted'}/<student>/<assignment>/")
        return []
    known = assignments(course)
    check_test_cells(course, sorted({a for _, a in submissions if a in known}))
    register_assignments(course, sorted({a for _, a in submissions if a in known}))
    results = []
    for i, (student, assignment) in enumerate(submissions, 1):
        say(f"[{i}/{len(submissions)}] autograding {student} / {assignment} ...")
        results.append(grade_submission(course, student, assignment, deadline, sandbox))
    for assignment in sorted({r.assignment for r in results if r.assignment in known}):
        run = nbgrader(course, "generate_feedback", assignment, "--force", deadline=300)
        if not run.ok:
            say(f"warning: generate_feedback {assignment} failed: {run.last_error()}")
    run = nbgrader(course, "export", f"--CsvExportPlugin.to={course / 'grades.csv'}", deadline=300)
    if not run.ok:
        say(f"warning: export failed: {run.last_error()}")
    fill_scores(course, results)
    write_report(course / "grading-report.csv", results)
    say(render_table(results))
    say(f"\ngrades: {course / 'grades.csv'}   report: {course / 'grading-report.csv'}   "
        f"feedback: {course / 'feedback'}/<student>/<assignment>/")
    if not sandbox:
        say(NO_SANDBOX_WARNING)
    return results

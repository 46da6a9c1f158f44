"""The instructor's chain: autograde every submission, feedback, grades CSV, a table.

Every submission ends with a grade. Submissions are graded side by side (``jobs`` at a
time), each by its own ``nbgrader autograde`` under a deadline, into a private gradebook
that the supervisor then merges into the course's (autograder.instructor.gradebook: one writer). The
supervisor adopts orphaned processes (so children that called ``setsid()`` are killed too,
when grading without the sandbox). A submission nbgrader cannot execute, or that runs out
of time, is recorded with 0 points and the reason, and gets a feedback page that says what
to fix: it is never silently dropped. Nothing of a submission is read where it was handed in:
the intake (intake.py) copies it into a private folder first, and a submission whose folder
names are not safe (names.py) is flagged and not graded. One submission's failure is its own
flag: it never stops the grading or the feedback of another (feedback_jobs.py).
"""
from __future__ import annotations

import json
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import gradebook, intake
from .feedback_jobs import feedback_for_each
from .nbgrader_cli import nbgrader
from .settings import Grading, course_config
from autograder.processes import become_subreaper
from autograder.spreadsheet import write_rows


@dataclass
class SubmissionResult:
    student: str
    assignment: str
    executed: bool
    reason: str = ""            # why it was not executed, or ""
    score: float = 0.0
    max_score: float = 0.0
    failed_tests: tuple = ()    # grade ids of test cells that lost points
    flags: tuple = ()           # intake.Flag: what an instructor should look at


def assignments(course: Path) -> list[str]:
    return sorted(d.name for d in (course / "source").iterdir() if d.is_dir() and d.name[:2].isdigit())


def notebooks_of(course: Path, assignment: str) -> list[str]:
    return sorted(p.name for p in (course / "source" / assignment).glob("*.ipynb"))


def find_submissions(course: Path) -> list[tuple[str, str]]:
    """(student, assignment) of every submission folder with safe names (intake.py)."""
    return intake.submission_folders(course)[0]


def preflight(course: Path, student: str, assignment: str, folder: Path | None = None) -> str | None:
    """Why nbgrader could not even start on this submission (read from ``folder``, its private
    copy; default: where it was handed in), or None."""
    if assignment not in assignments(course):
        return f"there is no assignment '{assignment}' in source/ (submitted/{student}/{assignment})"
    folder = folder or course / "submitted" / student / assignment
    for name in notebooks_of(course, assignment):
        path = folder / name
        rel = f"submitted/{student}/{assignment}/{name}"
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


def grade_submission(course: Path, student: str, assignment: str, *, deadline: float, sandbox: bool,
                     structure: Path | None, workdir: Path,
                     caps: intake.Intake | None = None) -> tuple[SubmissionResult, Path | None]:
    """Autograde one submission into a gradebook of its own; returns the result and that
    gradebook (None when the submission could not be executed). Writes no shared state.
    nbgrader reads the submission's private copy (intake.take_in), never the handed-in files."""
    private = workdir / "intake"
    try:
        flags = tuple(intake.take_in(course, student, assignment, private, caps or intake.Intake()))
    except (intake.SubmissionRefused, TimeoutError) as exc:
        flag = intake.Flag(student, assignment, intake.REFUSED_FILE, str(exc))
        return SubmissionResult(student, assignment, executed=False, reason=str(exc), flags=(flag,)), None
    refused = [f.detail for f in flags for name in notebooks_of(course, assignment) if f.detail.startswith(f"{name} ")]
    reason = refused[0] if refused else preflight(course, student, assignment, private / student / assignment)
    if reason is None:
        job_db = gradebook.job_gradebook(structure, workdir, student, assignment)
        log_path = course / "autograded" / f".log-{student}-{assignment}.txt"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        extra = [] if sandbox else ["--Sandbox.enabled=False"]
        run = nbgrader(course, "autograde", assignment, "--student", student, "--force",
                       f"--CourseDirectory.db_url=sqlite:///{job_db}",
                       f"--CourseDirectory.submitted_directory={private}", *extra, deadline=deadline,
                       log_path=log_path)
        if run.returncode is None:
            reason = f"grading took longer than {deadline:.0f} s and was stopped"
        elif not run.ok or not autograded_ok(course, student, assignment):
            reason = f"nbgrader could not execute it: {run.last_error()}"
        else:
            log_path.unlink()
            return SubmissionResult(student, assignment, executed=True, flags=flags), job_db
    return SubmissionResult(student, assignment, executed=False, reason=reason, flags=flags), None


class Progress:
    """done/total, the students being graded now, and an ETA (tqdm, on stderr)."""

    def __init__(self, total: int, enabled: bool):
        from tqdm import tqdm

        self._bar = tqdm(total=total, unit="submission", desc="grading", file=sys.stderr,
                         disable=not enabled, dynamic_ncols=True)
        self._now: list[str] = []
        self._lock = threading.Lock()

    def started(self, name: str) -> None:
        with self._lock:
            self._now.append(name)
            self._bar.set_postfix_str("now: " + ", ".join(self._now), refresh=True)

    def finished(self, name: str) -> None:
        with self._lock:
            self._now.remove(name)
            self._bar.set_postfix_str("now: " + ", ".join(self._now), refresh=False)
            self._bar.update(1)

    def close(self) -> None:
        self._bar.close()


def grade_all(course: Path, submissions: list[tuple[str, str]], *, db_url: str, deadline: float,
              sandbox: bool, jobs: int, names: list[str], workdir: Path, progress: bool) -> list[SubmissionResult]:
    """Grade ``submissions`` ``jobs`` at a time; this thread alone writes the gradebook."""
    known = set(assignments(course))
    structure = gradebook.structure_gradebook(course, names, db_url, workdir) if names else None
    bar = Progress(len(submissions), progress)
    caps = intake.Intake(config=course_config(course))

    def one(student: str, assignment: str):
        bar.started(student)
        try:
            return grade_submission(course, student, assignment, deadline=deadline, sandbox=sandbox,
                                    structure=structure, workdir=workdir, caps=caps)
        except Exception as exc:            # this submission's failure, never the run's
            return _grader_error(SubmissionResult(student, assignment, executed=False), exc), None
        finally:
            bar.finished(student)

    results = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(one, student, assignment) for student, assignment in submissions]
            for future in as_completed(futures):
                result, job_db = future.result()
                try:
                    if job_db is not None:
                        gradebook.merge_submission(job_db, db_url, result.assignment, result.student)
                        job_db.unlink()
                    elif result.assignment in known:
                        gradebook.record_not_executed(course, db_url, result.student, result.assignment,
                                                      result.reason, notebooks_of(course, result.assignment),
                                                      workdir / "intake" / result.student / result.assignment)
                except Exception as exc:        # this submission's failure, never the run's
                    result = _grader_error(result, exc)
                results.append(result)
    finally:
        bar.close()
    return sorted(results, key=lambda r: (r.student, r.assignment))


def _grader_error(result: SubmissionResult, exc: Exception) -> SubmissionResult:
    why = f"the grader failed on this submission: {type(exc).__name__}: {exc}"[:500]
    result.executed, result.reason = False, result.reason or why
    result.flags += (intake.Flag(result.student, result.assignment, intake.GRADER_ERROR, why),)
    return result


def fill_scores(db_url: str, results: list[SubmissionResult]) -> None:
    found = gradebook.scores(db_url, [(r.student, r.assignment) for r in results])
    for r in results:
        if (r.student, r.assignment) in found:
            r.score, r.max_score, r.failed_tests = found[(r.student, r.assignment)]


def render_table(results: list[SubmissionResult]) -> str:
    rows = [("student", "assignment", "score", "status")]
    for r in results:
        if not r.executed:
            status = f"NOT EXECUTED (0 points): {r.reason}"
        elif r.failed_tests:
            status = "graded; lost points in " + ", ".join(r.failed_tests)
        else:
            status = "graded; full marks" if r.score == r.max_score else "graded"
        flags = [str(f) for f in r.flags if f.detail != r.reason]     # not the reason twice
        if flags:
            status += "  [flags: " + "; ".join(flags) + "]"
        rows.append((intake.shown(r.student), intake.shown(r.assignment), f"{r.score:g} / {r.max_score:g}",
                     intake.printable(status)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    lines.insert(1, "-" * min(100, max(len(line) for line in lines)))
    return "\n".join(lines)


def write_report(path: Path, results: list[SubmissionResult]) -> None:
    with open(path, "w", newline="") as f:
        write_rows(f, ["student", "assignment", "score", "max_score", "executed", "reason", "failed_tests", "flags"],
                   ([r.student, r.assignment, r.score, r.max_score, r.executed, r.reason,
                     " ".join(r.failed_tests), "; ".join(str(flag) for flag in r.flags)] for r in results))


NO_SANDBOX_WARNING = (
    "WARNING: grading WITHOUT a sandbox (--no-sandbox). Student code runs as you: it can read "
    "and change the gradebook, source/ (the solutions), other submissions and your home "
    "folder, and use the network. Scores still come from the grader's checks, not from the "
    "kernel, but nothing else is protected.")


def check_test_cells(course: Path, names: list[str]) -> None:
    """Every autograded test cell of these assignments is one the trusted grader can score."""
    from autograder.checks import suite_table
    from .test_cells import CheckCall, UngradableCell, is_test_cell, read_test_cell
    from .weights import course_table

    try:
        points = course_table(course)
    except ValueError as exc:
        raise UngradableCell(f"nbgrader_config.py, c.Weights.points: {exc}") from None
    for name in names:
        for nb_name in notebooks_of(course, name):
            nb = nbformat.read(course / "source" / name / nb_name, as_version=4)
            for cell in nb.cells:
                if not is_test_cell(cell):
                    continue
                grade_id = cell.metadata["nbgrader"].get("grade_id")
                where = f"source/{name}/{nb_name}, test cell {grade_id}"
                try:
                    call = read_test_cell(cell.source)
                    if isinstance(call, CheckCall):
                        suite_points = sum(p for _, p in suite_table(call.exercise, call.suite, points))
                        if cell.metadata["nbgrader"].get("points") != suite_points:
                            raise UngradableCell(
                                f"it is worth {cell.metadata['nbgrader'].get('points')} points but suite "
                                f"{call.exercise}/{call.suite} awards {suite_points:g} (with this course's "
                                f"c.Weights.points): make them equal, in the notebook or in nbgrader_config.py")
                except (UngradableCell, ValueError) as exc:
                    raise UngradableCell(f"{where}: {exc}") from None


def grade_course(course: Path, *, deadline: float | None = None, sandbox: bool = True,
                 jobs: int | None = None, progress: bool | None = None, db_url: str | None = None,
                 say=print) -> list[SubmissionResult]:
    """Grade every submission, ``jobs`` at a time, each within ``deadline`` seconds, into the
    gradebook at ``db_url``; each one left None is the course's setting (c.Grading.jobs,
    c.Grading.submission_deadline, c.CourseDirectory.db_url in its nbgrader_config.py). Raises
    SandboxUnavailable when ``sandbox`` and bubblewrap cannot run here, UngradableCell for a
    test cell the trusted grader cannot score, GradebookError when an assignment cannot be
    registered."""
    from autograder.sandbox import check_available

    course = Path(course).resolve()
    if sandbox:
        check_available()
    else:
        say(NO_SANDBOX_WARNING)
    if not become_subreaper():
        say("warning: not on Linux, so children that leave their session may outlive grading")
    submissions, refused = intake.submission_folders(course)
    if not submissions and not refused:
        say(f"No submissions: put them in {course / 'submitted'}/<student>/<assignment>/")
        return []
    config = course_config(course)                    # read once for the whole run
    settings = Grading(config=config)
    db_url = db_url or config.CourseDirectory.db_url
    deadline = deadline or settings.submission_deadline
    known = assignments(course)
    names = sorted({a for _, a in submissions if a in known})
    check_test_cells(course, names)
    with tempfile.TemporaryDirectory(prefix="grading-") as tmp:
        workdir = Path(tmp)
        gradebook.register_assignments(course, names, db_url, workdir / "release")
        results = grade_all(course, submissions, db_url=db_url, deadline=deadline, sandbox=sandbox,
                            jobs=jobs or settings.job_count(), names=names, workdir=workdir,
                            progress=sys.stderr.isatty() if progress is None else progress)
    intake.add_flags(results, intake.look_alike_flags(submissions, gradebook.student_ids(db_url)))
    failed = feedback_for_each(course, [(r.student, r.assignment) for r in results if r.assignment in known],
                               db_url=db_url, deadline=settings.command_deadline,
                               jobs=jobs or settings.job_count())
    intake.add_flags(results, failed)
    results += [SubmissionResult(f.student, f.assignment, executed=False, reason=f.detail, flags=(f,))
                for f in refused]
    results.sort(key=lambda r: (r.student, r.assignment))
    run = nbgrader(course, "export", f"--CsvExportPlugin.to={course / 'grades.csv'}",
                   f"--CourseDirectory.db_url={db_url}", deadline=settings.command_deadline)
    if not run.ok:
        say(f"warning: export failed: {run.last_error()}")
    fill_scores(db_url, results)
    write_report(course / "grading-report.csv", results)
    say(render_table(results))
    say(f"\ngrades: {course / 'grades.csv'}   report: {course / 'grading-report.csv'}   "
        f"feedback: {course / 'feedback'}/<student>/<assignment>/")
    if not sandbox:
        say(NO_SANDBOX_WARNING)
    return results

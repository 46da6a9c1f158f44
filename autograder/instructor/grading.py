"""The instructor's chain: autograde submissions, then feedback, grades.csv, the report, a table.

Every submission ends with a grade or a flag that says why it has none. Submissions are
graded side by side (``jobs`` at a time), each by its own ``nbgrader autograde`` under a
deadline, into a private gradebook that the supervisor then merges into the course's
(autograder.instructor.gradebook: one writer). The supervisor adopts orphaned processes (so
children that called ``setsid()`` are killed too, when grading without the sandbox). A
submission nbgrader cannot execute, or that runs out of time, is recorded with 0 points and
the reason, and gets a feedback page that says what to fix: it is never silently dropped.
Nothing of a submission is read where it was handed in: the intake (intake.py) copies it
into a private folder first, and a submission whose folder names are not safe (names.py) is
flagged and not graded. One submission's failure is its own flag: it never stops the
grading or the feedback of another (feedback_jobs.py).

What a run grades is a selection (selection.py: everything, a student, an assignment, a
shard); what it tells is in report.py (the table, grading-report.csv), flags.py (what needs a
human), grades.py (the numbers, the same everywhere) and feedback.py (pages for final grades).
"""
from __future__ import annotations

import json
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import feedback, gradebook, grades, intake, nbgrader_forkserver, roster as rosters
from .cell_changes import changed_cells
from .feedback_jobs import feedback_for
from .flags import (FEEDBACK_FAILED, GRADER_ERROR, LATE, MANUAL, NOT_EXECUTED, NOT_ON_ROSTER, REFUSED_FILE,
                    UNKNOWN_ASSIGNMENT, Flag)
from .flags import from_notebook as flags_from_notebook
from .quiz_keys import verify as verify_quiz_keys
from .nbgrader_cli import environment, nbgrader
from .report import SubmissionResult, read_report, render_table, write_report
from .roster import Roster
from .selection import Selection
from .settings import Grading, course_config
from autograder.affinity import JobCpus
from autograder.processes import become_subreaper

__all__ = ["SubmissionResult", "assignments", "notebooks_of", "find_submissions", "grade_course"]


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
                     structure: Path | None, workdir: Path, first_name: str | None = None,
                     last_name: str | None = None, extension=None,
                     caps: intake.Intake | None = None) -> tuple[SubmissionResult, Path | None]:
    """Autograde one submission into a gradebook of its own (with the student's extension, if
    any); returns the result and that gradebook (None when the submission could not be
    executed). Writes no shared state. nbgrader reads the submission's private copy
    (intake.take_in, into ``workdir/intake``), never the handed-in files."""
    if assignment not in assignments(course):
        return SubmissionResult(student, assignment, executed=False, reason=(
            f"there is no assignment '{assignment}' in source/ (submitted/{student}/{assignment})"),
            flags=[Flag(UNKNOWN_ASSIGNMENT, f"submitted/{student}/{assignment}/: the assignments are "
                                            + ", ".join(assignments(course)))]), None
    private = workdir / "intake"
    try:
        flags = list(intake.take_in(course, student, assignment, private, caps or intake.Intake()))
    except (intake.SubmissionRefused, TimeoutError) as exc:
        return SubmissionResult(student, assignment, executed=False, reason=str(exc),
                                flags=[Flag(REFUSED_FILE, str(exc))]), None
    refused = [f.detail for f in flags for name in notebooks_of(course, assignment) if f.detail.startswith(f"{name} ")]
    reason = refused[0] if refused else preflight(course, student, assignment, private / student / assignment)
    if reason is None:
        job_db = gradebook.job_gradebook(structure, workdir, student, assignment, first_name=first_name,
                                         last_name=last_name, extension=extension)
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
    flags.append(Flag(NOT_EXECUTED, reason))
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


@dataclass
class GradingRun:
    """What :func:`grade_all` did: a result per submission, and the feedback pages it made
    while grading (``pages``) or could not make (``page_flags``)."""
    results: list[SubmissionResult]
    pages: set[tuple[str, str]]
    page_flags: list[Flag]


def grade_all(course: Path, submissions: list[tuple[str, str]], *, db_url: str, deadline: float,
              sandbox: bool, jobs: int, structure: Path | None, workdir: Path, progress: bool,
              roster: Roster, feedback_deadline: float | None = None) -> GradingRun:
    """Grade ``submissions`` ``jobs`` at a time, each job on a CPU of its own when there are
    enough (affinity.JobCpus); this thread alone writes the gradebook. A student the roster
    does not admit is graded into their own gradebook only: their grade is read from it and
    reported (flagged), and the course's gradebook never hears of them. With
    ``feedback_deadline``, a grade that is final once merged gets its feedback page from the
    same pool, queued behind the submissions still to grade: the pages fill the CPUs that the
    last, longest submissions leave idle."""
    known = set(assignments(course))
    bar = Progress(len(submissions), progress)
    caps = intake.Intake(config=course_config(course))
    cpus = JobCpus(jobs)

    def one(student: str, assignment: str):
        bar.started(student)
        try:
            who = roster.students.get(student)
            with cpus.held():
                return grade_submission(course, student, assignment, deadline=deadline, sandbox=sandbox,
                                        structure=structure, workdir=workdir,
                                        first_name=who.first_name if who else None,
                                        last_name=who.last_name if who else None,
                                        extension=roster.extensions.get((student, assignment)), caps=caps)
        except Exception as exc:            # this submission's failure, never the run's
            return _grader_error(SubmissionResult(student, assignment, executed=False), exc), None
        finally:
            bar.finished(student)

    def page_if_final(student: str, assignment: str) -> None:
        try:
            grade = grades.read(db_url, [(student, assignment)]).get((student, assignment))
        except Exception:                   # left to the run's feedback step
            return
        if grade is not None and grade.submitted and not grade.pending:
            pages[(student, assignment)] = pool.submit(feedback_for, course, student, assignment, db_url=db_url,
                                                       deadline=feedback_deadline)

    results = []
    pages: dict[tuple[str, str], Future] = {}
    try:
        with cpus, ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(one, student, assignment) for student, assignment in submissions]
            for future in as_completed(futures):
                result, job_db = future.result()
                try:
                    admitted = roster.admits(result.student)
                    if not admitted:
                        result.flags.append(Flag(NOT_ON_ROSTER, f"{result.student} is not in the gradebook's "
                                                                "students; graded, not recorded"))
                    if job_db is not None:
                        if admitted:
                            gradebook.merge_submission(job_db, db_url, result.assignment, result.student)
                            if feedback_deadline is not None:
                                page_if_final(result.student, result.assignment)
                        else:
                            fill(result, grades.read(f"sqlite:///{job_db}", [(result.student, result.assignment)]))
                        job_db.unlink()
                    elif result.assignment in known and admitted:
                        gradebook.record_not_executed(course, db_url, result.student, result.assignment,
                                                      result.reason, notebooks_of(course, result.assignment),
                                                      workdir / "intake" / result.student / result.assignment)
                except Exception as exc:        # this submission's failure, never the run's
                    result = _grader_error(result, exc)
                results.append(result)
    finally:
        bar.close()
    flags = [flag for flag in (page.result() for page in pages.values()) if flag is not None]
    return GradingRun(sorted(results, key=lambda r: (r.student, r.assignment)), set(pages), flags)


def _grader_error(result: SubmissionResult, exc: Exception) -> SubmissionResult:
    why = f"the grader failed on this submission: {type(exc).__name__}: {exc}"[:500]
    result.executed, result.reason = False, result.reason or why
    result.flags.append(Flag(GRADER_ERROR, why))
    return result


def fill(result: SubmissionResult, found: dict) -> None:
    """The numbers, status and gradebook flags (late, needs manual grading) of ``result``."""
    grade = found.get((result.student, result.assignment))
    if grade is None or not grade.submitted:
        return
    result.score, result.max_score, result.raw_score = grade.score, grade.max_score, grade.raw_score
    result.penalty, result.status, result.failed_tests = grade.penalty, grade.status, grade.failed_cells
    result.flags = [f for f in result.flags if f.kind not in (LATE, MANUAL)]
    if grade.seconds_late > 0:
        result.flags.append(Flag(LATE, grade.late_text()))
    if grade.pending:
        result.flags.append(Flag(MANUAL, ", ".join(grade.pending_cells) + ": its feedback waits for your grade"))


def cell_flags(course: Path, result: SubmissionResult, student_versions: Path, handed_in: Path) -> list[Flag]:
    """Deleted or edited locked cells (the private copy in ``handed_in`` against the student
    version), and what the trusted grader flagged in its notebooks."""
    found = []
    for name in notebooks_of(course, result.assignment):
        autograded = course / "autograded" / result.student / result.assignment / name
        found += changed_cells(handed_in / result.student / result.assignment / name,
                               student_versions / result.assignment / name, autograded)
        if result.executed and autograded.exists():
            try:
                found += flags_from_notebook(nbformat.read(autograded, as_version=4))
            except Exception:
                pass
    return found


NO_SANDBOX_WARNING = (
    "WARNING: grading WITHOUT a sandbox (--no-sandbox). Student code runs as you: it can read "
    "and change the gradebook, source/ (the solutions), other submissions and your home "
    "folder, and use the network. Scores still come from the grader's checks, not from the "
    "kernel, but nothing else is protected.")


def check_test_cells(course: Path, names: list[str]) -> None:
    """Every autograded test cell of these assignments is one the trusted grader can score,
    and every quiz key agrees with source/."""
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
    verify_quiz_keys(course, names)


def grade_course(course: Path, *, deadline: float | None = None, sandbox: bool = True,
                 jobs: int | None = None, progress: bool | None = None, db_url: str | None = None,
                 selection: Selection = Selection(), say=print) -> list[SubmissionResult]:
    """Grade the submissions ``selection`` picks (default: all), ``jobs`` at a time, each within
    ``deadline`` seconds, into the gradebook at ``db_url``; each one left None is the course's
    setting (c.Grading.jobs, c.Grading.submission_deadline, c.CourseDirectory.db_url in its
    nbgrader_config.py). Raises SandboxUnavailable when ``sandbox`` and bubblewrap cannot run
    here, UngradableCell for a test cell the trusted grader cannot score (or a quiz key that
    disagrees with source/), GradebookError when an assignment cannot be registered."""
    from autograder.sandbox import check_available

    course = Path(course).resolve()
    if sandbox:
        check_available()
    else:
        say(NO_SANDBOX_WARNING)
    if not become_subreaper():
        say("warning: not on Linux, so children that leave their session may outlive grading")
    submissions, refused = intake.submission_folders(course)
    chosen = selection.of(submissions)
    refused = [f for f in refused if selection.holds(f.student, f.assignment)]
    if not chosen and not refused:
        say(f"No submissions ({selection}): put them in {course / 'submitted'}/<student>/<assignment>/")
        return []
    config = course_config(course)                    # read once for the whole run
    settings = Grading(config=config)
    db_url = db_url or config.CourseDirectory.db_url
    deadline = deadline or settings.submission_deadline
    known = assignments(course)
    names = sorted({a for _, a in chosen if a in known})
    check_test_cells(course, names)
    # every nbgrader command of the run (registration, autograde, feedback) forks from one
    # process that imported nbgrader once (nbgrader_forkserver.py)
    with nbgrader_forkserver.running(environment()), tempfile.TemporaryDirectory(prefix="grading-") as tmp:
        workdir = Path(tmp)
        structure = gradebook.register_with_structure(course, names, db_url, workdir) if names else None
        roster = rosters.read(db_url)
        run = grade_all(course, chosen, db_url=db_url, deadline=deadline, sandbox=sandbox,
                        jobs=jobs or settings.job_count(), structure=structure, workdir=workdir,
                        progress=sys.stderr.isatty() if progress is None else progress, roster=roster,
                        feedback_deadline=settings.command_deadline)
        results = run.results
        for result in results:
            if result.assignment in known:
                result.flags += cell_flags(course, result, workdir / "release", workdir / "intake")
        intake.add_flags(results, intake.look_alike_flags(chosen, gradebook.student_ids(db_url)))
        results += [SubmissionResult(f.student, f.assignment, executed=False, reason=f.detail, flags=[f])
                    for f in refused]
        results.sort(key=lambda r: (r.student, r.assignment))
        recorded = [r for r in results if r.assignment in known and roster.admits(r.student)]
        found = grades.read(db_url, [(r.student, r.assignment) for r in recorded])
        for result in recorded:
            fill(result, found)
        _, failed = feedback.generate(course, [found[k] for k in ((r.student, r.assignment) for r in recorded)
                                               if k in found and k not in run.pages],
                                      db_url=db_url, deadline=settings.command_deadline,
                                      jobs=jobs or settings.job_count())
    intake.add_flags(results, failed + run.page_flags)
    grades.write_grades_csv(course / "grades.csv", db_url, rosters.read(db_url))
    write_report(course / "grading-report.csv", results, keep_others=not selection.everything)
    say(render_table(results))
    say(f"\ngrades: {course / 'grades.csv'}   report: {course / 'grading-report.csv'}   "
        f"feedback: {course / 'feedback'}/<student>/<assignment>/")
    if not sandbox:
        say(NO_SANDBOX_WARNING)
    return results


def refresh(course: Path, *, db_url: str | None = None, say=print) -> list[SubmissionResult]:
    """`make feedback`: after grading by hand, feedback for every grade that is now final, and
    grades.csv and grading-report.csv from the gradebook again (status, numbers, flags);
    nothing is regraded. Returns the report's rows."""
    course = Path(course).resolve()
    config = course_config(course)
    db_url = db_url or config.CourseDirectory.db_url
    results = read_report(course / "grading-report.csv")
    roster = rosters.read(db_url)
    recorded = [r for r in results if r.assignment in roster.assignments and r.student in roster.students]
    gradebook.reassess_late_penalties(db_url, config, [(r.student, r.assignment) for r in recorded])
    found = grades.read(db_url, [(r.student, r.assignment) for r in recorded])
    for result in recorded:
        fill(result, found)
    settings = Grading(config=config)
    done, failed = feedback.generate(course, [g for g in found.values() if g.submitted], db_url=db_url,
                                     deadline=settings.command_deadline, jobs=settings.job_count())
    for result in results:          # a page that failed before and was made now is no longer flagged
        result.flags = [f for f in result.flags if f.kind != FEEDBACK_FAILED]
    intake.add_flags(results, failed)
    grades.write_grades_csv(course / "grades.csv", db_url, roster)
    write_report(course / "grading-report.csv", results)
    say(render_table(results))
    say(f"\nfeedback: {len(done)} page(s) in {course / 'feedback'}/<student>/<assignment>/")
    return results

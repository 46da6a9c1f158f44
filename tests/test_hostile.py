"""Hostile submissions (tests/hostile/) graded by `make grade` between two correct ones.

One grading run backs every test: a scratch course whose assignment is lesson 02's counter
exercise plus one quiz question; `00-correct` is graded first, then every attack, then
`zz-correct`. Every submission must be graded (or, when its file says `GRADED: no`, kept out
of the gradebook and flagged); no attack may earn a point for safe_counter beyond what its
file allows; both correct students keep full marks, their files and their gradebook rows;
nothing of another student, the solutions, the gradebook, the course's configuration or the
system may reach any student's autograded/ or feedback/ folder, and nothing there may be a
link or a special file; a loopback listener must see no connection, neither while grading
nor while Chromium renders every feedback page and every autograded notebook as the
formgrader shows it; nothing may be left running; and `make grade` must grade to the end,
exiting 1 because unsafe names, refused files and look-alike ids need a human.
"""
from __future__ import annotations

import csv
import hashlib
import os
import socket
import stat
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import nbformat
import pytest

from autograder.spreadsheet import neutralise
from benchmarks.hostile_submissions import apply, attacks, header, place_files
from tests.testkit import REPO, lesson_cells, survivors

ASSIGNMENT = "90-hostile"
QUIZ = "locks_selfcheck_1"
ATTACKS = attacks()
CORRECT = ("00-correct", "zz-correct")
ID = {attack: header(attack)["id"] for attack in ATTACKS}     # the folder name it hands in under
SUBMISSION_DEADLINE = 300          # what `make grade` gives one submission
# The whole run is bounded by the per-submission deadline, whatever the machine's load.
RUN_BUDGET = SUBMISSION_DEADLINE * (len(ATTACKS) + len(CORRECT)) + 600
# The module's one grading run happens in whichever test comes first: every test gets its budget.
pytestmark = pytest.mark.timeout(RUN_BUDGET + 120)


class Listener:
    """A TCP listener on the grader's loopback that counts connections (and keeps each
    request's first line, to say which payload got through)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.requests: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            try:
                conn.settimeout(1.0)
                self.requests.append(conn.recv(200).split(b"\r\n", 1)[0].decode(errors="replace"))
            except OSError:
                self.requests.append("(no request line)")
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(timeout=10)
        self.sock.close()


def correct_answer(student: str, marker: str) -> str:
    text = (REPO / "demo" / "submissions" / "02-locks" / "correct.py").read_text()
    return text.rstrip("\n") + f"\n# answer of {student}: {marker}\n"


def build_submission(release: nbformat.NotebookNode, student: str, course, port: int, markers: dict,
                     attack: str | None = None):
    nb = nbformat.from_dict(release)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    by_id[QUIZ].source = f'{QUIZ} = "b"'       # the right answer
    if attack is None:
        by_id["safe_counter"].source = correct_answer(student, markers[student])
    else:
        if header(attack)["quiz"]:
            by_id[QUIZ].source = f'{QUIZ} = {header(attack)["quiz"]}'
        apply(nb, attack, COURSE=str(course), PORT=str(port))
    out = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    out.parent.mkdir(parents=True)
    nbformat.write(nb, out)
    if attack is not None:
        place_files(out.parent, attack, COURSE=str(course), PORT=str(port))


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


SECRET = f"COURSE-SECRET-{uuid.uuid4().hex}"      # in the course's nbgrader_config.py


@pytest.fixture(scope="module")
def listener():
    """Open for the whole module: while grading and while the browser renders the results."""
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, listener):
    course = tmp_path_factory.mktemp("hostile-course")
    marker = f"COURSE_TEST_MARKER=hostile-{uuid.uuid4().hex}"
    key, value = marker.split("=")
    env = {**os.environ, key: value, "COURSE_GRADEBOOK_URL": f"sqlite:///{course / 'gradebook.db'}",
           "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    # A job's memory as a whole is 4 GiB here (8 GiB by default), so that the attack on it
    # (memory_many_processes) stays small on a shared machine.
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text() + f"# {SECRET}\n"
                                               "c.Sandbox.job_memory = 4 * 1024 ** 3\n")
    nb = lesson_cells("safe_counter", extra_grade_ids=(QUIZ, f"{QUIZ}_test"))
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(nb, course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    run = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"],
                         cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    markers = {student: f"MARK-{uuid.uuid4().hex}" for student in CORRECT}
    students = [CORRECT[0], *(ID[name] for name in ATTACKS), CORRECT[1]]
    build_submission(release, CORRECT[0], course, listener.port, markers)
    for name in ATTACKS:
        build_submission(release, ID[name], course, listener.port, markers, attack=name)
    build_submission(release, CORRECT[1], course, listener.port, markers)
    before = {s: digest(course / "submitted" / s / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") for s in CORRECT}
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course)],
                         env=env, capture_output=True, text=True, timeout=RUN_BUDGET)
    report = {}
    if (course / "grading-report.csv").exists():
        with open(course / "grading-report.csv", newline="") as f:
            report = {row["student"]: row for row in csv.DictReader(f)}
    return {"course": course, "run": run, "report": report, "students": students, "marker": marker,
            "listener": listener, "connections": listener.connections, "markers": markers, "before": before}


def in_gradebook(course, student: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            gb.find_submission(ASSIGNMENT, student)
            return True
        except MissingEntry:
            return False


def exercise_points(course, student: str, prefix: str = "safe_counter_test") -> tuple[float, float]:
    """(earned, possible) for the test cells of ``student`` whose name starts with ``prefix``."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        grades = [g for nb in sub.notebooks for g in nb.grades if g.name.startswith(prefix)]
        return sum(g.score for g in grades), sum(g.max_score for g in grades)


def autograded_notebook(course, student: str) -> Path:
    """The student's notebook as `make grade` executed and scored it."""
    return course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def feedback_page(course, student: str) -> Path:
    """The student's feedback page, as `make grade` generated it."""
    return course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"


def graded_text(course, student: str) -> str:
    """What the student gets back: the autograded notebook and the feedback page."""
    paths = [autograded_notebook(course, student), feedback_page(course, student)]
    return "\n".join(p.read_text(errors="replace") for p in paths if p.exists())


def what_the_student_was_told(graded, student: str) -> str:
    """For a failed message check: the student's report row, every error output of the
    autograded notebook, and what `make grade` logged about them (to tell a limit that did
    not fire from one whose message went missing)."""
    row = graded["report"].get(neutralise(student), {})
    lines = [f"row: reason={row.get('reason')!r} flags={row.get('flags')!r}"]
    path = autograded_notebook(graded["course"], student)
    if path.exists():
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    lines.append(f"cell {index}: {out.get('ename')}: {str(out.get('evalue'))[:400]}")
    log = graded["run"].stdout + graded["run"].stderr
    lines += [line[:400] for line in log.splitlines() if student in line][:20]
    return "\n".join(lines)


def test_make_grade_exits_1_and_says_what_needs_a_human(graded):
    """Graded to the end (exit 1, not 2): unsafe names, refused files and look-alike ids are
    problems an instructor must look at before publishing (the README's exit codes)."""
    run = graded["run"]
    assert run.returncode == 1, run.stdout[-4000:] + run.stderr[-4000:]
    assert "Needs your attention:" in run.stdout and "! " in run.stdout, run.stdout[-4000:]


def test_every_submission_is_graded(graded):
    """Every folder has its row in grading-report.csv (an id a spreadsheet would read as a
    formula is written with a leading ')."""
    assert sorted(graded["report"]) == sorted(neutralise(s) for s in graded["students"])


@pytest.mark.parametrize("student", CORRECT)
def test_correct_submissions_keep_full_marks_and_their_files(graded, student):
    course = graded["course"]
    row = graded["report"][student]
    assert row["executed"] == "True", row["reason"]
    assert float(row["score"]) == float(row["max_score"]) > 0, row
    earned, possible = exercise_points(course, student)
    assert earned == possible > 0
    path = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert digest(path) == graded["before"][student], "the submitted notebook was changed"
    assert feedback_page(course, student).exists()
    assert graded["markers"][student] in autograded_notebook(course, student).read_text(), \
        "the autograded notebook is not theirs"


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_earns_nothing_it_did_not_earn(graded, attack):
    student = ID[attack]
    expected = header(attack)
    row = graded["report"][neutralise(student)]
    if expected["flag"]:
        assert expected["flag"] in row["flags"], row
    if not expected["graded"]:
        assert row["executed"] == "False" and not in_gradebook(graded["course"], student), row
        assert not (graded["course"] / "autograded" / student).exists()
        assert not (graded["course"] / "feedback" / student).exists()
        return
    assert feedback_page(graded["course"], student).exists(), row
    earned, possible = exercise_points(graded["course"], student)
    assert possible == 5
    assert earned <= expected["max_points"], (
        f"{expected['attack']}: earned {earned} of {possible} for safe_counter "
        f"(at most {expected['max_points']} allowed)")
    if expected["message"]:
        assert expected["message"] in graded_text(graded["course"], student), \
            what_the_student_was_told(graded, student)
    if expected["quiz"]:
        assert exercise_points(graded["course"], student, f"{QUIZ}_test") == (0, 1), \
            f"{expected['attack']}: a wrong quiz answer earned its point"


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_sees_no_other_submission_and_no_solution(graded, attack):
    text = graded_text(graded["course"], ID[attack])
    for student, marker in graded["markers"].items():
        assert marker not in text, f"{attack}: {student}'s answer appears in this student's feedback"
    assert "BEGIN SOLUTION" not in text, f"{attack}: the solutions in source/ appear in this student's feedback"


def secrets_of(course) -> dict[str, bytes]:
    """What no student's folder may contain, by what it is."""
    found = {"the solutions": b"BEGIN SOLUTION", "the gradebook": b"SQLite format 3",
             "the course's nbgrader_config.py": SECRET.encode()}
    try:
        found["/etc/shadow"] = open("/etc/shadow", "rb").readline().strip()
    except OSError:
        pass
    return found


def student_folders(course):
    return [folder for top in ("autograded", "feedback") if (course / top).is_dir()
            for folder in (course / top).iterdir() if folder.is_dir() or folder.is_symlink()]


def test_nothing_leaked_into_any_students_folders(graded):
    """autograded/<student>/ and feedback/<student>/ go back to students: only regular files
    and folders, none large, none holding another student's answer or a file of the course."""
    course = graded["course"]
    secrets = secrets_of(course)
    problems = []
    for folder in student_folders(course):
        if folder.is_symlink():
            problems.append(f"{folder} is a link")
            continue
        others = {s: m.encode() for s, m in graded["markers"].items() if s != folder.name}
        for root, dirs, files in os.walk(folder):
            for name in dirs + files:
                path = os.path.join(root, name)
                info = os.lstat(path)
                if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
                    problems.append(f"{path} is not a regular file")
                elif stat.S_ISREG(info.st_mode):
                    if info.st_size > 50 * 1024 ** 2:
                        problems.append(f"{path} has {info.st_size} bytes")
                        continue
                    data = open(path, "rb").read()
                    problems += [f"{path} holds {what}" for what, secret in {**secrets, **others}.items()
                                 if secret in data]
    assert problems == []


def test_no_connection_reached_the_graders_loopback(graded):
    assert graded["connections"] == 0


def test_nothing_is_left_running(graded):
    assert survivors(graded["marker"]) == []


def formgrader_page(course, student: str, out):
    """The autograded notebook as the formgrader shows it: nbgrader's SubmissionHandler renders
    it with nbconvert's HTMLExporter and its ``formgrade`` template (the same call here)."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    notebook = autograded_notebook(course, student)
    if not notebook.exists():
        return None
    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": ASSIGNMENT, "notebook_id": ASSIGNMENT, "submission_id": "1", "index": 0,
                 "total": 1, "base_url": "/formgrader-base", "student": student, "last_name": "",
                 "first_name": "", "notebook_path": f"/notebooks/autograded/{student}/{ASSIGNMENT}.ipynb"}
    html, _ = HTMLExporter(config=config).from_filename(str(notebook), resources=resources)
    page = out / f"formgrader-{hashlib.sha256(student.encode()).hexdigest()[:12]}.html"
    page.write_text(html)
    return page


def test_no_request_while_chromium_renders_the_results(graded, tmp_path):
    """Every feedback page and every autograded notebook (as the formgrader renders it) in
    headless Chromium: the loopback listener every payload aims at sees no request."""
    import time

    from tests.browserkit import chromium, screenshot

    course = graded["course"]
    pages = []
    for student in graded["students"]:
        feedback = feedback_page(course, student)
        pages += [(student, "feedback", feedback)] if feedback.exists() else []
        formgrader = formgrader_page(course, student, tmp_path)
        pages += [(student, "formgrader", formgrader)] if formgrader else []
    assert len(pages) > len(graded["students"])
    marker = f"COURSE_TEST_MARKER=hostile-browser-{uuid.uuid4().hex}"
    with chromium(marker) as browser:
        page = browser.new_page()
        for student, kind, path in pages:
            page.goto(path.as_uri(), wait_until="load", timeout=60_000)
            page.wait_for_timeout(300)
            if student.startswith("h-browser") or student == CORRECT[0]:
                screenshot(page, tmp_path, f"{kind}-{student}")
        time.sleep(2)           # a request made late (a timer, an image) still arrives
    assert graded["listener"].connections == graded["connections"], (
        f"{graded['listener'].connections - graded['connections']} request(s) reached the listener "
        f"while Chromium rendered the results: {graded['listener'].requests}")

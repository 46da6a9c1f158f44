"""Hostile submissions (tests/hostile/) graded by `make grade` between two correct ones.

One grading run backs every test: a scratch course whose assignment is lesson 02's counter
exercise plus one quiz question; `00-correct` is graded first, then every attack, then
`zz-correct`. Every submission must be graded; no attack may earn a point for safe_counter
beyond what its file allows; both correct students keep full marks, their files and their
gradebook rows; a loopback listener must see no connection; nothing may be left running;
and `make grade` must exit 0.
"""
from __future__ import annotations

import csv
import hashlib
import os
import socket
import subprocess
import sys
import threading
import uuid

import nbformat
import pytest

from benchmarks.hostile_submissions import apply, attacks, header
from tests.testkit import REPO, lesson_cells, survivors

ASSIGNMENT = "90-hostile"
QUIZ = "locks_selfcheck_1"
ATTACKS = attacks()
CORRECT = ("00-correct", "zz-correct")
SUBMISSION_DEADLINE = 300          # what `make grade` gives one submission
# The whole run is bounded by the per-submission deadline, whatever the machine's load.
RUN_BUDGET = SUBMISSION_DEADLINE * (len(ATTACKS) + len(CORRECT)) + 600
# The module's one grading run happens in whichever test comes first: every test gets its budget.
pytestmark = pytest.mark.timeout(RUN_BUDGET + 120)


class Listener:
    """A TCP listener on the grader's loopback that counts connections."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
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
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(timeout=10)
        self.sock.close()


def correct_answer(student: str, marker: str) -> str:
    text = (REPO / "demo" / "submissions" / "02-locks" / "correct.py").read_text()
    return text.rstrip("\n") + f"\n# answer of {student}: {marker}\n"


def build_submission(release: nbformat.NotebookNode, student: str, course, port: int, markers: dict):
    nb = nbformat.from_dict(release)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    by_id[QUIZ].source = f'{QUIZ} = "b"'       # the right answer
    if student in CORRECT:
        by_id["safe_counter"].source = correct_answer(student, markers[student])
    else:
        attack = student[2:]
        if header(attack)["quiz"]:
            by_id[QUIZ].source = f'{QUIZ} = {header(attack)["quiz"]}'
        apply(nb, attack, COURSE=str(course), PORT=str(port))
    out = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    out.parent.mkdir(parents=True)
    nbformat.write(nb, out)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("hostile-course")
    marker = f"COURSE_TEST_MARKER=hostile-{uuid.uuid4().hex}"
    key, value = marker.split("=")
    env = {**os.environ, key: value, "COURSE_GRADEBOOK_URL": f"sqlite:///{course / 'gradebook.db'}",
           "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text())
    nb = lesson_cells("safe_counter", extra_grade_ids=(QUIZ, f"{QUIZ}_test"))
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(nb, course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    run = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force"],
                         cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    listener = Listener()
    markers = {student: f"MARK-{uuid.uuid4().hex}" for student in CORRECT}
    students = [CORRECT[0], *(f"h-{name}" for name in ATTACKS), CORRECT[1]]
    for student in students:
        build_submission(release, student, course, listener.port, markers)
    before = {s: digest(course / "submitted" / s / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") for s in CORRECT}
    try:
        run = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course)],
                             env=env, capture_output=True, text=True, timeout=RUN_BUDGET)
    finally:
        listener.close()
    report = {}
    if (course / "grading-report.csv").exists():
        with open(course / "grading-report.csv") as f:
            report = {row["student"]: row for row in csv.DictReader(f)}
    return {"course": course, "run": run, "report": report, "students": students, "marker": marker,
            "listener": listener, "markers": markers, "before": before}


def exercise_points(course, student: str, prefix: str = "safe_counter_test") -> tuple[float, float]:
    """(earned, possible) for the test cells of ``student`` whose name starts with ``prefix``."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        grades = [g for nb in sub.notebooks for g in nb.grades if g.name.startswith(prefix)]
        return sum(g.score for g in grades), sum(g.max_score for g in grades)


def graded_text(course, student: str) -> str:
    """What the student gets back: the autograded notebook and the feedback page."""
    paths = [course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
             course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"]
    return "\n".join(p.read_text(errors="replace") for p in paths if p.exists())


def test_make_grade_exits_0(graded):
    run = graded["run"]
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]


def test_every_submission_is_graded(graded):
    assert sorted(graded["report"]) == sorted(graded["students"])


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
    assert (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").exists()


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_earns_nothing_it_did_not_earn(graded, attack):
    student = f"h-{attack}"
    expected = header(attack)
    earned, possible = exercise_points(graded["course"], student)
    assert possible == 5
    assert earned <= expected["max_points"], (
        f"{expected['attack']}: earned {earned} of {possible} for safe_counter "
        f"(at most {expected['max_points']} allowed)")
    if expected["message"]:
        assert expected["message"] in graded_text(graded["course"], student)
    if expected["quiz"]:
        assert exercise_points(graded["course"], student, f"{QUIZ}_test") == (0, 1), \
            f"{expected['attack']}: a wrong quiz answer earned its point"


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_sees_no_other_submission_and_no_solution(graded, attack):
    text = graded_text(graded["course"], f"h-{attack}")
    for student, marker in graded["markers"].items():
        assert marker not in text, f"{attack}: {student}'s answer appears in this student's feedback"
    assert "BEGIN SOLUTION" not in text, f"{attack}: the solutions in source/ appear in this student's feedback"


def test_no_connection_reached_the_graders_loopback(graded):
    assert graded["listener"].connections == 0


def test_nothing_is_left_running(graded):
    assert survivors(graded["marker"]) == []

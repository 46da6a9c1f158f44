"""A class on a real JupyterHub (deploy/jupyterhub_config.py, started as `make hub` does), with
its gradebook on a real PostgreSQL server: the whole round trip through nbgrader's exchange.

One instructor and two students log in with the hub's password (the students' names are on the
course's roster from deploy/class.json, as `make hub` puts them there). The instructor releases
02-locks from the course's grading server (the formgrader's REST API); each student starts a
server, fetches it through the Assignment List extension, answers in the fetched notebook
(student1 correctly, student2 with a racy SafeCounter) and submits; the instructor collects,
grades with `python -m autograder grade --course <course>` (what `make grade` runs) and
releases feedback; each student fetches it and reads their verdict. The hub runs once for the
module; the last test stops it and checks that nothing it started survives.
"""
import csv
import html
import os
import re
import secrets
import shutil
import subprocess
import sys
import uuid

import nbformat
import pytest

from autograder.instructor.hub import class_list, class_roster
from tests.browserkit import chromium, screenshot
from tests.hubkit import Hub, HubUser
from tests.testkit import REPO, leaked_shm_after, shm_entries

ASSIGNMENT = "02-locks"
NOTEBOOK = f"{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
ANSWERS = {"student1": "correct.py", "student2": "racy.py"}
ROSTER = {s.id: (s.first_name, s.last_name) for s in class_roster()}
INSTRUCTORS, STUDENTS = class_list()


@pytest.fixture(scope="module")
def hub(postgres, tmp_path_factory):
    root = tmp_path_factory.mktemp("hub")
    course = root / "course"            # the instructor's course folder, a copy of this one
    course.mkdir()
    for name in ("source", "release"):
        shutil.copytree(REPO / name, course / name)
    shutil.copyfile(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    hub = Hub(root, course, password=secrets.token_urlsafe(12), marker=f"COURSE_TEST_MARKER=hub-{uuid.uuid4().hex}",
              extra_env={"COURSE_GRADEBOOK_URL": postgres.create_database("hub")})
    hub.shm_before = shm_entries()
    try:
        hub.start()
        yield hub
    finally:
        try:
            hub.stop()
        finally:
            hub.kill_leftovers()


@pytest.fixture(scope="module")
def round_trip(hub):
    """Everything the class does, once; the tests below look at what it left."""
    seen = {}
    instructor = HubUser(hub, INSTRUCTORS[0], hub.password)
    students = {name: HubUser(hub, name, hub.password) for name in STUDENTS}

    # The roster is already in the gradebook (make hub put deploy/class.json there): the
    # formgrader's Manage Students lists everyone with a name. Then the assignment goes out.
    seen["roster"] = instructor.formgrader("GET", "students")
    seen["release"] = instructor.formgrader("POST", f"assignment/{ASSIGNMENT}/release")

    source = nbformat.read(hub.course / "source" / NOTEBOOK, as_version=4)
    # Every answer cell but the SafeCounter is answered right (quiz questions, the schedule puzzle).
    other_answers = {c.metadata.nbgrader["grade_id"]: c.source for c in source.cells
                     if c.metadata.get("nbgrader", {}).get("solution") and c.metadata.nbgrader["grade_id"] != "safe_counter"}
    for name, student in students.items():
        student.start_server()
        seen[f"{name}:listed"] = student.assignments(course_id=hub.course_id)
        seen[f"{name}:fetched"] = student.assignments("fetch", course_id=hub.course_id, assignment_id=ASSIGNMENT)
        nb = student.read_notebook(NOTEBOOK)
        answers = {**other_answers, "safe_counter": (REPO / "demo" / "submissions" / ASSIGNMENT / ANSWERS[name]).read_text()}
        for cell in nb["cells"]:
            grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell["source"] = answers[grade_id]
        student.write_notebook(NOTEBOOK, nb)
        seen[f"{name}:submitted"] = student.assignments("submit", course_id=hub.course_id, assignment_id=ASSIGNMENT)

    seen["collect"] = instructor.formgrader("POST", f"assignment/{ASSIGNMENT}/collect")
    key, value = hub.marker.split("=", 1)
    grading = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(hub.course)],
                             cwd=hub.course, capture_output=True, text=True, timeout=1800,
                             env={**os.environ, key: value, "COURSE_GRADEBOOK_URL": hub.env["COURSE_GRADEBOOK_URL"]})
    assert grading.returncode == 0, grading.stdout + grading.stderr
    seen["grading"] = grading.stdout
    seen["release_feedback"] = instructor.formgrader("POST", f"assignment/{ASSIGNMENT}/release_feedback")
    seen["formgrader:submissions"] = instructor.formgrader("GET", f"submissions/{ASSIGNMENT}")

    for name, student in students.items():
        student.assignments("fetch_feedback", course_id=hub.course_id, assignment_id=ASSIGNMENT)
        listing = student.assignments(course_id=hub.course_id)
        submitted = [a for a in listing["value"] if a["status"] == "submitted"]
        folder = submitted[0]["submissions"][-1]["local_feedback_path"]
        assert folder, f"{name} found no feedback: {listing}"
        seen[f"{name}:feedback"] = student.read_text(f"{folder}/{ASSIGNMENT}.html")
    seen["students"], seen["instructor"] = students, instructor
    return seen


def report(hub) -> dict:
    with open(hub.course / "grading-report.csv") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def test_the_hub_starts_without_a_traceback_and_with_the_roster(round_trip, hub):
    start = hub.log().split("JupyterHub is now running", 1)[0]
    assert "Traceback" not in start and "Failed to connect to my Hub" not in hub.log()
    listed = {s["id"]: (s["first_name"], s["last_name"]) for s in round_trip["roster"]}
    assert listed == ROSTER and all(first and last for first, last in listed.values())


def test_both_students_see_and_fetch_the_released_assignment(round_trip):
    assert round_trip["release"]["success"], round_trip["release"]
    for name in STUDENTS:
        listed = round_trip[f"{name}:listed"]
        assert listed["success"] and [(a["assignment_id"], a["status"]) for a in listed["value"]] == [(ASSIGNMENT, "released")]
        fetched = round_trip[f"{name}:fetched"]["value"]
        assert [(a["assignment_id"], a["status"], a["path"]) for a in fetched] == [(ASSIGNMENT, "fetched", ASSIGNMENT)]


def test_each_submission_carries_its_hub_user_and_is_collected(round_trip, hub):
    for name in STUDENTS:
        submitted = [a for a in round_trip[f"{name}:submitted"]["value"] if a["status"] == "submitted"]
        assert [a["student_id"] for a in submitted] == [name]
    assert round_trip["collect"]["success"], round_trip["collect"]
    assert "cheating attempt" not in round_trip["collect"]["log"]
    inbound = hub.state / "exchange" / hub.course_id / "inbound"
    assert sorted(p.name.split("+")[0] for p in inbound.iterdir()) == sorted(STUDENTS)
    for name in STUDENTS:
        collected = nbformat.read(hub.course / "submitted" / name / NOTEBOOK, as_version=4)
        answer = next(c.source for c in collected.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "safe_counter")
        assert answer.strip() == (REPO / "demo" / "submissions" / ASSIGNMENT / ANSWERS[name]).read_text().strip()


def test_grading_gives_the_correct_answer_full_marks_and_the_racy_one_less(round_trip, hub):
    rows = report(hub)
    assert sorted(rows) == sorted(STUDENTS)
    good, racy = rows["student1"], rows["student2"]
    assert good["executed"] == racy["executed"] == "True"
    assert float(good["score"]) == float(good["max_score"]) > 0, good
    assert float(racy["score"]) < float(racy["max_score"]), racy
    # Only the SafeCounter checks cost points: the other answers were right.
    assert racy["failed_tests"].split() and all(t.startswith("safe_counter_test") for t in racy["failed_tests"].split())


def test_the_formgrader_shows_the_grades_from_the_postgres_gradebook(round_trip, hub, postgres):
    rows = report(hub)
    shown = {s["student"]: s for s in round_trip["formgrader:submissions"]}
    assert sorted(shown) == sorted(STUDENTS)
    for name in STUDENTS:
        assert shown[name]["autograded"] and shown[name]["score"] == pytest.approx(float(rows[name]["score"]))
    with postgres.connect("hub") as conn:
        assert sorted(r[0] for r in conn.execute("SELECT id FROM student")) == sorted(STUDENTS)


def text_of(page: str) -> str:
    """What a student reads on a feedback page: its text without markup."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_each_student_finds_their_own_verdict_in_the_feedback(round_trip, hub):
    assert round_trip["release_feedback"]["success"], round_trip["release_feedback"]
    rows = report(hub)
    for name in STUDENTS:
        text = text_of(round_trip[f"{name}:feedback"])
        assert f"Score: {float(rows[name]['score']):.1f} / {float(rows[name]['max_score']):.1f}" in text
        assert 'check("safe_counter", "hidden")' not in round_trip[f"{name}:feedback"]
        assert "BEGIN HIDDEN TESTS" not in text
    good, racy = text_of(round_trip["student1:feedback"]), text_of(round_trip["student2:feedback"])
    assert "visible checks: all passed" in good and "hidden checks: all passed" in good
    assert "[FAIL]" not in good
    # The racy answer is told why it lost points: an update was lost, in a schedule it can read.
    assert "[FAIL] no update lost or unseen" in racy and "updates were lost" in racy


def test_only_instructors_reach_the_grading_server(round_trip, hub):
    status = f"/services/{hub.course_id}/formgrader/api/status"
    assert round_trip["instructor"].request("GET", status).status_code == 200
    for student in round_trip["students"].values():
        assert student.request("GET", status).status_code == 403
    # The instructor's own server lists the course's formgrader (nbgrader's Course List).
    instructor = round_trip["instructor"]
    instructor.start_server()
    listed = instructor.json("GET", f"/user/{instructor.name}/formgraders")
    assert listed["success"], listed
    assert [(c["course_id"], c["kind"]) for c in listed["value"]] == [(hub.course_id, "jupyterhub")]
    assert listed["value"][0]["url"].endswith(f"/services/{hub.course_id}/lab?formgrader=true")


def test_instructor_sees_the_graded_submissions_in_the_formgrader(round_trip, hub, tmp_path):
    """In a real browser: the hub's login page, then the formgrader's pages."""
    rows = report(hub)
    marker = f"COURSE_TEST_MARKER=browser-{uuid.uuid4().hex}"
    with chromium(marker) as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.set_default_timeout(120_000)
        page.goto(f"{hub.url}/hub/login")
        page.fill("#username_input", INSTRUCTORS[0])
        page.fill("#password_input", hub.password)
        screenshot(page, tmp_path, "hub-1-login")
        page.click("#login_submit")
        page.wait_for_url("**/user/**")

        base = f"{hub.url}/services/{hub.course_id}/formgrader"
        page.goto(f"{base}/manage_submissions/{ASSIGNMENT}")
        table = page.locator("#main-table")          # the formgrader's table body
        for name in STUDENTS:
            row = table.locator("tr", has_text=name)
            row.wait_for()
            first, last = ROSTER[name]
            assert f"{last}, {first}" in row.inner_text()
            assert f"{float(rows[name]['score']):g} / {float(rows[name]['max_score']):g}" in row.inner_text()
            assert "graded" in row.inner_text()
        screenshot(page, tmp_path, "hub-2-formgrader-submissions")

        page.goto(f"{base}/gradebook/{ASSIGNMENT}/{ASSIGNMENT}")
        table = page.locator("#main-table")
        table.locator("tr", has_text="Submission #").nth(len(STUDENTS) - 1).wait_for()
        scores = sorted(f"{float(r['score']):g} / {float(r['max_score']):g}" for r in rows.values())
        # Column 3 is the overall score (1: show the name, 2: the anonymous submission id).
        assert sorted(s.strip() for s in table.locator("tr td:nth-child(3)").all_inner_texts()) == scores
        screenshot(page, tmp_path, "hub-3-formgrader-notebook-scores")
        page.close()


def test_stopping_the_hub_leaves_nothing_behind(round_trip, hub):
    hub.stop()
    assert hub.proc.returncode == 0, hub.log()[-3000:]
    assert [" ".join(p.cmdline())[:120] for p in hub.leftovers()] == []
    assert leaked_shm_after(hub.shm_before) == set()     # users' kernels and grading included

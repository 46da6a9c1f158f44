"""A semester with the course: one small class driven through everything an instructor does.

A fresh checkout of the course (its tracked files, as `git clone` would give them) gets a
small assignment, ``20-counter`` (the SafeCounter, its visible and hidden checks, a quiz
question, a diagram and a written answer), released with `python -m autograder release`. The
roster comes from `nbgrader db student import`, the due date from `nbgrader db assignment
add`, and late work scores 0 (``c.LateSubmissionPlugin.penalty_method = "zero"``). Then,
each with the real nbgrader and the real sandbox:

* a quiz key changed in source/ without `make release` stops `make grade` (exit 2);
* the class is graded (exit 1: some submissions need a human): ada (correct), bob (a plain
  int: deterministic failures), hal (a threading.Lock: long verdict lines), cy (deleted the
  hidden test cell), dee (edited the visible one), eve (late), kim-lee (not on the roster), fay
  (malformed notebook), ada's ``02-lock/`` (unknown assignment), and gus, on the roster, who
  handed nothing in; every flag is in grading-report.csv and the table, and one number per
  grade is everywhere (table, grades.csv, report, Gradescope, PrairieLearn, Canvas);
* the same class in two shards at once into one throwaway PostgreSQL gives the same gradebook;
* eve gets an extension and only she is regraded: every other row and file stays as it was;
* written answers are graded by hand, `make feedback` writes their pages; Chromium opens
  bob's at 1200 px (no horizontal overflow, no diagram source, cells named by what they
  check) and the class summary, and saves screenshots;
* a Gradescope bundle for 20-counter refuses a notebook of another assignment;
* no process is left behind.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import uuid
import zipfile

import nbformat
import pytest

from autograder.instructor.demo import exercise_notebook, solved, with_answer
from tests.browserkit import chromium, screenshot
from tests.testkit import REPO, survivors

A = "20-counter"
NB = f"{A}.ipynb"
CORPUS = REPO / "tests" / "corpus" / "safe_counter"
ROSTER = {"ada": ("Ada", "Lovelace"), "bob": ("Bob", "Barker"), "cy": ("Cy", "Young"), "dee": ("Dee", "Dee"),
          "eve": ("Eve", "Online"), "fay": ("Fay", "Wray"), "gus": ("Gus", "Grissom"), "hal": ("Hal", "Abelson")}
DUE = "2030-01-01 12:00:00 UTC"
LATE_TIMESTAMP = "2030-01-01 14:05:00 UTC"
PER_SUBMISSION = 300
BUDGET = PER_SUBMISSION * 12 + 900
pytestmark = pytest.mark.timeout(BUDGET + 300)


def fresh_checkout(target):
    """The course's tracked files (what `git clone` gives), with this working tree's contents."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        if name.startswith(("tests/", "benchmarks/", "demo/")) or not (REPO / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)


def small_assignment(course):
    """20-counter: the lesson's set-up cell, its first diagram, the SafeCounter with both suites,
    one quiz question and a written answer graded by hand."""
    lesson = nbformat.read(REPO / "source" / "02-locks" / "02-locks.ipynb", as_version=4)
    nb = exercise_notebook("safe_counter", ("locks_selfcheck_2", "locks_selfcheck_2_test"))
    diagram = next(c for c in lesson.cells if c.cell_type == "markdown" and "```mermaid" in c.source)
    nb.cells.insert(1, diagram)
    nb.cells.append(nbformat.v4.new_markdown_cell("YOUR ANSWER HERE", metadata={"nbgrader": {
        "grade": True, "solution": True, "locked": False, "points": 1, "grade_id": "counter_reflection",
        "schema_version": 3}}))
    (course / "source" / A).mkdir(parents=True)
    nbformat.write(nb, course / "source" / A / NB)


def run(course, *args, env, timeout=600):
    return subprocess.run([sys.executable, "-m", "autograder", *args, "--course", "."], cwd=course, env=env,
                          capture_output=True, text=True, timeout=timeout)


def nbgrader(course, *args, env):
    out = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]


def enrol(course, env, db_url):
    """The roster and the released assignment, with nbgrader's own commands."""
    with open(course / "roster.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "first_name", "last_name"])
        w.writerows([s, *names] for s, names in ROSTER.items())
    nbgrader(course, "db", "student", "import", "roster.csv", f"--db={db_url}", env=env)
    nbgrader(course, "db", "assignment", "add", A, f"--duedate={DUE}", f"--db={db_url}", env=env)


def hand_in(course):
    release, source = course / "release" / A / NB, course / "source" / A / NB
    good = (CORPUS / "good_value_own_lock.py").read_text()

    def write(student, nb, assignment=A):
        out = course / "submitted" / student / assignment / f"{A}.ipynb"
        out.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out)
        return out.parent

    def answered(text):
        nb = with_answer(solved(release, source), "safe_counter", f"%%exercise safe_counter\n{text}")
        return with_answer(nb, "counter_reflection", "Two processes read the same value and both write "
                                                     "back one more, so one increment is lost.")

    write("ada", answered(good))
    write("bob", answered((CORPUS / "bad_plain_int.py").read_text()))
    write("hal", answered((CORPUS / "bad_threading_lock.py").read_text()))
    nb = answered(good)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "safe_counter_test_hidden"]
    write("cy", nb)
    nb = answered(good)
    visible = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "safe_counter_test_visible")
    visible.source = 'print("all good")'
    write("dee", nb)
    (write("eve", answered(good)) / "timestamp.txt").write_text(LATE_TIMESTAMP)
    write("kim-lee", answered(good))
    write("ada", answered(good), assignment="02-lock")
    broken = course / "submitted" / "fay" / A / NB
    broken.parent.mkdir(parents=True)
    broken.write_text('{"cells": [,]}')


def report(course) -> dict:
    with open(course / "grading-report.csv") as f:
        return {(r["student"], r["assignment"]): r for r in csv.DictReader(f)}


def cell_scores(db_url) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        return {(s.student.id, a.name, g.name): (g.auto_score, g.max_score, nb.late_submission_penalty)
                for a in gb.assignments for s in a.submissions for nb in s.notebooks for g in nb.grades}


def snapshot(course, skip: set) -> dict:
    """Every file under the grading outputs, with its bytes, except those of ``skip`` students."""
    found = {}
    for top in ("autograded", "feedback"):
        for p in (course / top).rglob("*"):
            if p.is_file() and p.relative_to(course / top).parts[0] not in skip:
                found[str(p.relative_to(course))] = (p.stat().st_mtime_ns, p.read_bytes())
    return found


@pytest.fixture(scope="module")
def semester(tmp_path_factory, postgres):
    root = tmp_path_factory.mktemp("semester")
    course = root / "course"
    course.mkdir()
    fresh_checkout(course)
    with open(course / "nbgrader_config.py", "a") as f:
        f.write('\nc.LateSubmissionPlugin.penalty_method = "zero"\n')
    small_assignment(course)
    marker = f"COURSE_TEST_MARKER=semester-{uuid.uuid4().hex}"
    key, value = marker.split("=")
    db_url = f"sqlite:///{course / 'gradebook.db'}"
    env = {**os.environ, key: value, "COURSE_GRADEBOOK_URL": db_url,
           "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"}
    seen = {"course": course, "env": env, "marker": marker, "db_url": db_url, "root": root}

    seen["release"] = run(course, "release", A, env=env)
    assert seen["release"].returncode == 0, seen["release"].stdout + seen["release"].stderr
    enrol(course, env, db_url)
    hand_in(course)

    # A key changed in source/ without `make release`: make grade refuses to start.
    source = course / "source" / A / NB
    original = source.read_text()
    source.write_text(original.replace('locks_selfcheck_2 = \\"b\\"', 'locks_selfcheck_2 = \\"c\\"'))
    seen["stale key"] = run(course, "grade", env=env, timeout=300)
    source.write_text(original)

    # Copies of the course for two machines, before anything is graded.
    for shard in (1, 2):
        shutil.copytree(course, root / f"shard{shard}", symlinks=True)

    seen["grade"] = run(course, "grade", "--jobs", "2", env=env, timeout=PER_SUBMISSION * 9 + 600)
    seen["report"] = report(course)
    seen["cells"] = cell_scores(db_url)
    with open(course / "grades.csv") as f:
        seen["grades.csv"] = list(csv.DictReader(f))
    for fmt in ("gradescope", "prairielearn", "canvas"):
        seen[f"export {fmt}"] = run(course, "export", fmt, env=env)

    # Two shards at once, each on its own copy of the course, into one PostgreSQL gradebook.
    pg_url = postgres.create_database("semester")
    shard_env = {**env, "COURSE_GRADEBOOK_URL": pg_url}
    enrol(course, shard_env, pg_url)
    shards = [subprocess.Popen([sys.executable, "-m", "autograder", "grade", "--course", ".", "--shard", f"{i}/2",
                                "--jobs", "1"], cwd=root / f"shard{i}", env=shard_env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True) for i in (1, 2)]
    seen["shards"] = [p.communicate(timeout=PER_SUBMISSION * 9 + 600)[0] for p in shards]
    seen["shard codes"] = [p.returncode for p in shards]
    seen["shard cells"] = cell_scores(pg_url)
    seen["shard reports"] = [report(root / f"shard{i}") for i in (1, 2)]

    # An extension for eve, and only eve regraded.
    seen["before regrade"] = (report(course), snapshot(course, skip={"eve"}))
    seen["extension"] = run(course, "extension", "eve", A, "--hours", "3", env=env)
    seen["regrade"] = run(course, "grade", "--student", "eve", "--assignment", A, env=env,
                          timeout=PER_SUBMISSION + 600)
    seen["after regrade"] = (report(course), snapshot(course, skip={"eve"}))

    # The written answers are graded by hand (as in the formgrader), then `make feedback`.
    from nbgrader.api import Gradebook
    with Gradebook(db_url) as gb:
        for student in ("ada", "bob", "cy", "dee", "eve", "hal"):
            grade = gb.find_grade("counter_reflection", A, A, student)
            grade.manual_score, grade.needs_manual_grade = 1.0, False
        gb.db.commit()
    seen["feedback"] = run(course, "feedback", env=env)
    seen["summary"] = run(course, "summary", env=env)
    return seen


def test_make_release_writes_keys_from_source_and_grade_refuses_a_stale_one(semester):
    assert "quiz keys:" in semester["release"].stdout
    keys = json.loads((semester["course"] / "autograder" / "checks" / "quiz_keys.json").read_text())
    assert "locks_selfcheck_2" in keys
    stale = semester["stale key"]
    assert stale.returncode == 2, stale.stdout + stale.stderr
    assert "locks_selfcheck_2 has a key that disagrees with source/" in stale.stderr
    assert "make release" in stale.stderr


def test_every_flag_with_its_case(semester):
    grade, rows = semester["grade"], semester["report"]
    assert grade.returncode == 1, grade.stdout[-3000:] + grade.stderr[-3000:]
    flags = {key: row["flags"] for key, row in rows.items()}
    assert flags[("cy", A)].startswith("test cell restored: safe_counter_test_hidden was deleted; added back")
    assert "test cell edited: safe_counter_test_visible" in flags[("dee", A)]
    assert "late: 2 h 5 min after the due date" in flags[("eve", A)]
    assert "not on the roster" in flags[("kim-lee", A)]
    assert "unknown assignment" in flags[("ada", "02-lock")]
    assert "not executed" in flags[("fay", A)]
    for student in ("ada", "bob", "cy", "dee", "eve", "hal"):
        assert "needs manual grading: counter_reflection" in flags[(student, A)], flags[(student, A)]
    assert "Needs your attention:" in grade.stdout and "! fay/20-counter: not executed" in grade.stdout
    # The restored hidden test was graded: cy scores what ada scores.
    assert rows[("cy", A)]["score"] == rows[("ada", A)]["score"]
    assert float(rows[("kim-lee", A)]["score"]) == float(rows[("ada", A)]["score"]) > 0
    assert rows[("ada", "02-lock")]["score"] == "" and rows[("ada", "02-lock")]["status"] == ""


def test_one_number_per_grade_everywhere(semester):
    course, rows = semester["course"], semester["report"]
    eve = rows[("eve", A)]
    assert float(eve["score"]) == 0 and float(eve["raw_score"]) == float(eve["late_penalty"]) > 0
    assert "0 / 7" in semester["grade"].stdout.split("eve", 1)[1].splitlines()[0]
    by_student = {r["student_id"]: r for r in semester["grades.csv"]}
    assert sorted(by_student) == sorted(ROSTER)                      # every rostered student, one assignment
    assert {r["assignment"] for r in semester["grades.csv"]} == {A}    # 01..09 were never released
    assert by_student["gus"]["status"] == "not submitted"
    assert by_student["ada"]["status"] == "needs manual grading"
    assert by_student["eve"]["score"] == "0"
    for student in ("ada", "bob", "eve", "hal"):
        assert float(by_student[student]["score"]) == float(rows[(student, A)]["score"])
    for fmt in ("gradescope", "prairielearn", "canvas"):
        assert semester[f"export {fmt}"].returncode == 0, semester[f"export {fmt}"].stderr
    gradescope = json.loads((course / "exports" / "gradescope" / "eve" / A / "results.json").read_text())
    prairielearn = json.loads((course / "exports" / "prairielearn" / "eve" / A / "results.json").read_text())
    assert gradescope["score"] == 0 and "Late: submitted 2 h 5 min" in gradescope["output"]
    assert prairielearn["score"] == 0
    with open(course / "exports" / "canvas.csv") as f:
        canvas = list(csv.reader(f))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert canvas[1][0] == "Points Possible" and canvas[1][5] == "7"
    assert [r[3] for r in canvas[2:]] == sorted(ROSTER)
    assert {r[3]: r[5] for r in canvas[2:]}["gus"] == ""             # not submitted: left ungraded


def test_two_shards_at_once_give_the_same_gradebook(semester):
    codes, logs = semester["shard codes"], "\n".join(semester["shards"])[-4000:]
    assert set(codes) <= {0, 1} and 1 in codes, logs           # fay, kim-lee and 02-lock are in some shard
    assert semester["shard cells"] == semester["cells"]
    one, two = semester["shard reports"]
    assert not set(one) & set(two) and len(one) + len(two) == len(semester["report"])


def test_a_regrade_touches_only_its_submission(semester):
    assert semester["extension"].returncode == 0, semester["extension"].stderr
    regrade = semester["regrade"]
    assert regrade.returncode == 0, regrade.stdout[-3000:] + regrade.stderr[-3000:]
    before, after = semester["before regrade"], semester["after regrade"]
    assert {k: v for k, v in after[0].items() if k != ("eve", A)} == \
        {k: v for k, v in before[0].items() if k != ("eve", A)}
    assert after[1] == before[1]                                      # every other file, byte for byte
    eve = after[0][("eve", A)]
    assert "late" not in eve["flags"] and float(eve["score"]) > 0


def test_feedback_waits_for_manual_grading_then_reads_well(semester, tmp_path):
    assert semester["feedback"].returncode == 0, semester["feedback"].stderr
    course = semester["course"]
    page = course / "feedback" / "bob" / A / f"{A}.html"
    assert page.exists()
    assert not (course / "feedback" / "kim-lee").exists()
    with chromium(semester["marker"]) as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.goto(page.as_uri())
        screenshot(tab, tmp_path, "feedback-bob-1200px")
        width = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"the page is {width[0]} px wide in a {width[1]} px window"
        text = tab.inner_text("body")
        assert "sequenceDiagram" not in text and "```" not in text
        assert tab.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        assert "visible checks of your SafeCounter" in text and "quiz question locks_selfcheck_2" in text
        assert "hidden checks of your SafeCounter" in text
        assert "Test cell" not in text
        tab.close()


def test_class_summary(semester, tmp_path):
    assert semester["summary"].returncode == 0, semester["summary"].stderr
    summary = semester["course"] / "reports" / "class-summary.html"
    with chromium(semester["marker"]) as browser:
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        tab.goto(summary.as_uri())
        screenshot(tab, tmp_path, "class-summary")
        assert tab.evaluate("document.images.length") >= 2
        assert tab.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        text = tab.inner_text("body")
        assert "lost_updates" in text and "updates were lost" in text   # the failure class, and its story
        assert "kim-lee" in text and "not on the roster" in text
        tab.close()


def test_a_one_assignment_gradescope_bundle_refuses_another(semester, tmp_path):
    course, env = semester["course"], semester["env"]
    out = tmp_path / "bundle.zip"
    built = run(course, "gradescope-bundle", "--assignment", A, "--out", str(out), env=env)
    assert built.returncode == 0, built.stderr
    root = tmp_path / "autograder"
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        z.extractall(root / "source")
    assert f"source/{A}/{NB}" in names and not any(n.startswith("source/02-locks") for n in names)
    (root / "submission").mkdir()
    shutil.copyfile(course / "release" / "02-locks" / "02-locks.ipynb", root / "submission" / "02-locks.ipynb")
    script = root / "source" / "run_autograder"
    script.chmod(0o755)
    done = subprocess.run([str(script)], env={**env, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and f"this autograder grades {A} only" in results["output"]


def test_no_process_left_behind(semester):
    assert survivors(semester["marker"]) == []


# ---------------------------------------------------------------- the mechanisms alone (no grading)
def test_the_trusted_grader_can_raise_a_flag_through_the_autograded_notebook():
    """How a check will raise `inconclusive`: an entry in the test cell's metadata."""
    from autograder.instructor import flags

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell('check("safe_counter", "hidden")', metadata={
        "nbgrader": {"grade_id": "safe_counter_test_hidden"},
        "autograder": {"flags": [{"kind": "inconclusive", "detail": "the search ran out of time"}]}}))
    found = flags.from_notebook(nb)
    assert found == [flags.Flag("inconclusive", "safe_counter_test_hidden: the search ran out of time")]
    assert found[0].problem and flags.from_cell(flags.to_cell(found)) == found

    class Row:
        student, assignment = "ada", A
    Row.flags = found
    assert flags.problems([Row]) == [Row]
    assert "! ada/20-counter: inconclusive: safe_counter_test_hidden" in flags.attention([Row])


def test_shards_split_a_class_into_disjoint_slices():
    from autograder.instructor.selection import Selection, Shard

    class_ = [(f"s{i}", a) for i in range(40) for a in ("01-x", "02-y")]
    slices = [Selection(shard=Shard.parse(f"{i}/3")).of(class_) for i in (1, 2, 3)]
    assert sorted(sum(slices, [])) == sorted(class_) and all(slices)
    for bad in ("0/3", "4/3", "1-3", ""):
        with pytest.raises(ValueError):
            Shard.parse(bad)


def test_make_passes_student_assignment_shard_and_bundle_assignment_on():
    def dry(*args):
        out = subprocess.run(["make", "-n", *args], cwd=REPO, capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return " ".join(out.stdout.replace("\\\n", " ").split())

    assert "-m autograder grade --student 'eve' --assignment '02-locks' --shard '2/3'" in \
        dry("grade", "STUDENT=eve", "ASSIGNMENT=02-locks", "SHARD=2/3")
    assert "-m autograder gradescope-bundle --assignment '02-locks'" in dry("gradescope-bundle", "ASSIGNMENT=02-locks")
    assert "-m autograder summary" in dry("summary") and "-m autograder feedback" in dry("feedback")

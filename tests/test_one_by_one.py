"""One submission's failure is its own flag: it never stops another's grading or feedback
(autograder/instructor/grading.py, feedback_jobs.py). The real failures are graded in
tests/test_hostile.py; here the failing parts are stand-ins, so this runs in a second."""
from autograder.instructor import feedback_jobs, grading
from autograder.instructor.flags import FEEDBACK_FAILED, GRADER_ERROR
from autograder.instructor.nbgrader_cli import CommandResult
from autograder.instructor.roster import Roster


def test_feedback_failures_are_flags_and_every_submission_gets_its_run(monkeypatch, tmp_path):
    ran = []

    def fake_nbgrader(course, *args, deadline, **_):
        student = args[args.index("--student") + 1]
        ran.append(student)
        if student == "crashes":
            raise OSError("no such file")
        return {"slow": CommandResult(None, ""), "fails": CommandResult(1, "[ERROR] InvalidNotebook: x"),
                }.get(student, CommandResult(0, ""))

    monkeypatch.setattr(feedback_jobs, "nbgrader", fake_nbgrader)
    students = ["aa", "crashes", "fails", "slow", "zz"]
    flags = feedback_jobs.feedback_for_each(tmp_path, [(s, "02-locks") for s in students], db_url="sqlite://",
                                            deadline=5, jobs=2)
    assert sorted(ran) == students
    assert {(f.student, f.kind) for f in flags} == {(s, FEEDBACK_FAILED) for s in ("crashes", "fails", "slow")}
    assert "longer than 5 s" in next(f.detail for f in flags if f.student == "slow")


def test_an_exception_while_grading_one_submission_is_its_flag(monkeypatch, tmp_path):
    (tmp_path / "source").mkdir()

    def fake_grade(course, student, assignment, **_):
        if student == "bob":
            raise OSError(36, "File name too long")
        return grading.SubmissionResult(student, assignment, executed=False, reason="no notebook"), None

    monkeypatch.setattr(grading, "grade_submission", fake_grade)
    results = grading.grade_all(tmp_path, [("alice", "02-locks"), ("bob", "02-locks"), ("carol", "02-locks")],
                                db_url="sqlite://", deadline=5, sandbox=False, jobs=2, structure=None,
                                workdir=tmp_path, progress=False, roster=Roster()).results
    assert [r.student for r in results] == ["alice", "bob", "carol"]
    bob = results[1]
    assert not bob.executed and "File name too long" in bob.reason
    assert [f.kind for f in bob.flags] == [GRADER_ERROR]
    assert results[0].flags == results[2].flags == []

"""The supervisor's intake of hostile files and names (autograder/instructor/intake.py, names.py)."""
import os
import stat
import threading

import pytest

from autograder.instructor import intake
from autograder.instructor.names import look_alikes, name_problem, shown, skeleton


@pytest.fixture
def course(tmp_path):
    folder = tmp_path / "course" / "submitted" / "eve" / "02-locks"
    folder.mkdir(parents=True)
    (folder / "02-locks.ipynb").write_text("{}")
    (tmp_path / "secret.txt").write_text("gradebook password")
    return tmp_path / "course"


def take(course, tmp_path, **caps):
    flags = intake.take_in(course, "eve", "02-locks", tmp_path / "private", intake.Intake(**caps))
    return tmp_path / "private" / "eve" / "02-locks", flags


def test_regular_files_are_copied(course, tmp_path):
    (course / "submitted/eve/02-locks/data").mkdir()
    (course / "submitted/eve/02-locks/data/notes.txt").write_text("mine")
    copy, flags = take(course, tmp_path)
    assert flags == []
    assert (copy / "02-locks.ipynb").read_text() == "{}"
    assert (copy / "data" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("target", ["../../../secret.txt", "/etc/passwd", "/dev/zero", "data"])
def test_links_are_refused_and_flagged(course, tmp_path, target):
    os.symlink(target, course / "submitted/eve/02-locks/extra.ipynb")
    copy, flags = take(course, tmp_path)
    assert not (copy / "extra.ipynb").exists() and not (copy / "extra.ipynb").is_symlink()
    assert [f.kind for f in flags] == [intake.REFUSED_FILE]
    assert "extra.ipynb is a symbolic link" in flags[0].detail


def test_a_linked_notebook_is_not_read(course, tmp_path):
    nb = course / "submitted/eve/02-locks/02-locks.ipynb"
    nb.unlink()
    os.symlink(tmp_path / "secret.txt", nb)
    copy, flags = take(course, tmp_path)
    assert not (copy / "02-locks.ipynb").exists()
    assert "02-locks.ipynb is a symbolic link" in flags[0].detail


def test_a_fifo_never_blocks_and_is_refused(course, tmp_path):
    os.mkfifo(course / "submitted/eve/02-locks/pipe.ipynb")
    done = []
    worker = threading.Thread(target=lambda: done.append(take(course, tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done, "the intake blocked on a FIFO"
    assert "pipe.ipynb is a FIFO" in done[0][1][0].detail


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_device_is_refused(course, tmp_path):
    os.mknod(course / "submitted/eve/02-locks/zero.ipynb", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    copy, flags = take(course, tmp_path)
    assert "zero.ipynb is a character device" in flags[0].detail


def test_a_hard_link_is_refused(course, tmp_path):
    os.link(tmp_path / "secret.txt", course / "submitted/eve/02-locks/secret.txt")
    copy, flags = take(course, tmp_path)
    assert not (copy / "secret.txt").exists()
    assert "hard link" in flags[0].detail


def test_sizes_and_counts_are_capped(course, tmp_path):
    folder = course / "submitted/eve/02-locks"
    (folder / "big.bin").write_bytes(b"x" * 5000)
    for i in range(10):
        (folder / f"z{i}.txt").write_text("x")
    copy, flags = take(course, tmp_path, max_file_bytes=1000, max_files=5)
    assert (copy / "02-locks.ipynb").exists() and not (copy / "big.bin").exists()
    assert len(list(copy.iterdir())) == 5
    assert {f.kind for f in flags} == {intake.TOO_BIG}


def test_a_linked_submission_folder_is_refused(course, tmp_path):
    (course / "submitted/mallory").mkdir()
    os.symlink(course / "submitted/eve/02-locks", course / "submitted/mallory/02-locks")
    with pytest.raises(intake.SubmissionRefused):
        intake.take_in(course, "mallory", "02-locks", tmp_path / "private", intake.Intake())
    found, flags = intake.submission_folders(course)
    assert found == [("eve", "02-locks")]
    assert "submitted/mallory/02-locks is a symbolic link" in flags[0].detail


def test_unsafe_names_are_flagged_and_not_graded(course):
    for name in ("ac-victim-glo[b]", "ad-victim-space ", "=HYPERLINK(\"x\")", "a" * 253, "-rf", "x\x1b[2J"):
        (course / "submitted" / name / "02-locks").mkdir(parents=True)
    found, flags = intake.submission_folders(course)
    assert found == [("eve", "02-locks")]
    assert len(flags) == 6 and {f.kind for f in flags} == {intake.UNSAFE_NAME}
    assert all("\x1b" not in f.detail for f in flags)


@pytest.mark.parametrize("name", ["alice", "jdoe42", "ok.name_1-2", "élodie", "12345"])
def test_ordinary_ids_are_safe(name):
    assert name_problem(name) is None and shown(name) == name


def test_look_alikes():
    assert skeleton("ас-victim") == skeleton("ac-victim")         # Cyrillic а and с
    found = look_alikes(["ac-victim", "ас-victim", "rnary", "alice", "Bob"], known=["mary", "bob"])
    assert found == {"ac-victim": ["ас-victim"], "ас-victim": ["ac-victim"], "rnary": ["mary"], "Bob": ["bob"]}
    flags = intake.look_alike_flags([("ас-victim", "02-locks"), ("alice", "02-locks")], known_ids=["ac-victim"])
    assert [(f.student, f.kind) for f in flags] == [("ас-victim", intake.LOOKS_LIKE)]


def test_collect_from_the_exchange_follows_no_link(course, tmp_path):
    """nbgrader's Collect, as the course configures it (safe_collect.py)."""
    from nbgrader.coursedir import CourseDirectory

    from autograder.instructor.safe_collect import SafeExchangeCollect

    inbound = tmp_path / "inbound" / "eve+02-locks+2026-01-01 00:00:00.000000 UTC+abc"
    inbound.mkdir(parents=True)
    (inbound / "02-locks.ipynb").write_text("{}")
    os.symlink(tmp_path / "secret.txt", inbound / "notes.txt")
    os.mkfifo(inbound / "pipe")
    collect = SafeExchangeCollect(coursedir=CourseDirectory(assignment_id="02-locks"))
    dest = tmp_path / "collected"
    done = []
    worker = threading.Thread(target=lambda: done.append(collect.do_copy(inbound, dest)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done, "collect blocked"
    assert sorted(p.name for p in dest.iterdir()) == ["02-locks.ipynb"]


def test_messages_reach_the_terminal_without_control_characters():
    from autograder.instructor.grading import SubmissionResult, render_table

    table = render_table([SubmissionResult("eve", "02-locks", executed=False,
                                           reason="found \x1b[2J\x1b]0;owned\x07.ipynb\rX")])
    assert "\x1b" not in table and "\r" not in table and "\\x1b[2J" in table

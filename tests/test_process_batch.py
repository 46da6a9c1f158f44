"""The real-process harness the lessons (course.runner) and the grader's checks share
(autograder/process_batch.py): children start together and report back; what is stuck is
killed with its descendants; a child that dies before the start barrier holds nobody up;
nothing is left behind. Real processes, with deadlines."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

from autograder.deadlines import Deadline
from autograder.process_batch import ProcessBatch

METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]
PICKLING = [m for m in METHODS if m != "fork"]      # the methods that pickle a child's arguments


def sleep_then_return(seconds, value):
    time.sleep(seconds)
    return value


def raise_value_error():
    raise ValueError("bad input")


def write_to_stderr():
    print("noise", file=sys.stderr, flush=True)
    return "quiet"


def returns_a_set():
    return {1}


def hang_with_a_grandchild(pid_file):
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    # written whole, then renamed: the test polls for the file and must never read it half written
    Path(pid_file + ".partial").write_text(f"{os.getpid()} {grandchild.pid}")
    os.replace(pid_file + ".partial", pid_file)
    time.sleep(300)


class DiesWhenUnpickled:
    """An argument whose unpickling ends the child, before it gets to the start barrier."""

    def __reduce__(self):
        return os._exit, (3,)


def running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def prefix():
    """A unique prefix for the batch's report folder, and a check that the folder is gone."""
    name = f"test-batch-{uuid.uuid4().hex}-"
    yield name
    assert not list(Path(tempfile.gettempdir()).glob(f"{name}*")), "the report folder was left behind"


def test_a_stuck_child_is_killed_with_its_descendants_and_the_others_report(tmp_path, prefix):
    ctx = multiprocessing.get_context(METHODS[0])
    pid_file = tmp_path / "pids"
    batch = ProcessBatch(ctx, [(sleep_then_return, (0.0, "done")), (hang_with_a_grandchild, (str(pid_file),))],
                         start_timeout=60, prefix=prefix)
    batch.start(wait_for_start=True)
    try:
        ready = Deadline(60)
        while not pid_file.exists() and not ready.expired():
            time.sleep(0.05)
        child, grandchild = map(int, pid_file.read_text().split())
        assert batch.wait(Deadline(1.0)) == ["P2"]
    finally:
        outcomes = batch.finish()
    assert [(o.name, o.killed, o.reported, o.returned) for o in outcomes] == [
        ("P1", False, True, "done"), ("P2", True, False, None)]
    assert outcomes[1].exitcode == -9
    assert not running(child) and not running(grandchild), "the stuck child's process tree outlived the kill"
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("wait_for_start", [True, False], ids=["lessons", "checks"])
@pytest.mark.parametrize("method", PICKLING)
def test_a_child_that_dies_before_the_barrier_holds_nobody_up(method, wait_for_start, prefix):
    # The barrier would let the others wait 60 s (times MAX_STRETCH); the parent breaks it
    # as soon as it sees the child die, whether it waits for the start (course.runner) or
    # only for the end (the checks).
    ctx = multiprocessing.get_context(method)
    jobs = [(sleep_then_return, (0, 1)), (sleep_then_return, (0, DiesWhenUnpickled())),
            (sleep_then_return, (0, 3))]
    began = time.monotonic()
    batch = ProcessBatch(ctx, jobs, start_timeout=60, prefix=prefix)
    batch.start(wait_for_start=wait_for_start)
    try:
        stuck = batch.wait(Deadline(60))
    finally:
        outcomes = batch.finish()
    took = time.monotonic() - began
    assert stuck == []
    assert took < 30, f"the others waited {took:.1f} s for a child that had died"
    assert wait_for_start is False or batch.broken
    assert [(o.exitcode, o.reported, o.broken_barrier) for o in outcomes] == [
        (0, True, True), (3, False, False), (0, True, True)]
    assert multiprocessing.active_children() == []


def test_reports_in_json_come_back_as_plain_data(prefix):
    # What autograder.checks.realrun reads back: reprs and lists, an error as "Type: message".
    ctx = multiprocessing.get_context(METHODS[0])
    jobs = [(sleep_then_return, (0, {"returned": ["'a'", "2"], "error": None})), (returns_a_set, ()),
            (raise_value_error, ())]
    batch = ProcessBatch(ctx, jobs, start_timeout=60, report_format="json", prefix=prefix)
    batch.start()
    try:
        assert batch.wait(Deadline(60)) == []
    finally:
        outcomes = batch.finish()
    assert outcomes[0].returned == {"returned": ["'a'", "2"], "error": None}
    assert outcomes[1].returned == "{1}"            # not JSON: its repr instead
    assert (outcomes[2].returned, outcomes[2].error) == (None, "ValueError: bad input")
    assert all(o.reported and o.exitcode == 0 and o.finished for o in outcomes)


def test_a_child_never_writes_to_stderr(capfd, prefix):
    ctx = multiprocessing.get_context(METHODS[0])
    batch = ProcessBatch(ctx, [(write_to_stderr, ())], start_timeout=60, prefix=prefix)
    batch.start()
    try:
        batch.wait(Deadline(60))
    finally:
        outcomes = batch.finish()
    assert outcomes[0].returned == "quiet"
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("method", PICKLING)
def test_a_job_that_cannot_be_sent_raises_and_leaves_nothing(method, prefix):
    ctx = multiprocessing.get_context(method)
    jobs = [(sleep_then_return, (300, None)), (sleep_then_return, (0, threading.Lock()))]
    batch = ProcessBatch(ctx, jobs, start_timeout=60, prefix=prefix)
    with pytest.raises(TypeError, match="pickle"):
        batch.start(wait_for_start=True)
    assert multiprocessing.active_children() == []

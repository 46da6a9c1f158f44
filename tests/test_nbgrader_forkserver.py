"""nbgrader commands forked from the grading run's forkserver (nbgrader_forkserver.py) behave
as `python -m nbgrader` run in their own process: the same folder, environment, sys.path,
CPUs, log and exit status; the deadline still stops them with everything they started; the
server ends with its block and leaves nothing running."""
from __future__ import annotations

import os
import textwrap

import psutil
import pytest

from autograder.instructor import nbgrader_forkserver
from autograder.instructor.nbgrader_cli import environment, nbgrader

# The course's nbgrader_config.py is Python run by nbgrader at start-up: it says where it
# runs, and with the environment variable SLEEP it starts a child that never ends, and waits.
CONFIG = textwrap.dedent('''
    import os, subprocess, sys, time
    print("CWD", os.getcwd())
    print("PATH0", sys.path[0])
    print("MARK", os.environ.get("FORKSERVER_TEST_MARK"))
    print("CPUS", sorted(os.sched_getaffinity(0)))
    if os.environ.get("SLEEP"):
        child = subprocess.Popen(["sleep", "600"])
        print("CHILD", child.pid, flush=True)
        time.sleep(600)
''')


@pytest.fixture
def course(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(CONFIG)
    return tmp_path


def said(log: str, key: str) -> str:
    return next(line.split(" ", 1)[1] for line in log.splitlines() if line.startswith(key + " "))


def run_both(course, *args, **kwargs):
    plain = nbgrader(course, *args, **kwargs)
    with nbgrader_forkserver.running(environment()) as server:
        assert server is not None, "the forkserver did not start"
        forked = nbgrader(course, *args, **kwargs)
    return plain, forked


def test_a_forked_command_runs_where_and_as_a_process_of_its_own_would(course, monkeypatch):
    monkeypatch.setenv("FORKSERVER_TEST_MARK", "mark-1")
    plain, forked = run_both(course, "list")
    assert plain.returncode == forked.returncode
    for key in ("CWD", "PATH0", "MARK", "CPUS"):
        assert said(forked.log, key) == said(plain.log, key), key
    assert said(forked.log, "CWD") == str(course)
    assert said(forked.log, "PATH0") == str(course)
    assert said(forked.log, "MARK") == "mark-1"


def test_a_forked_command_keeps_the_cpu_of_the_thread_that_asked(course):
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        pytest.skip("one CPU: nothing to pin")
    with nbgrader_forkserver.running(environment()):
        os.sched_setaffinity(0, {cpus[-1]})
        try:
            forked = nbgrader(course, "list")
        finally:
            os.sched_setaffinity(0, cpus)
    assert said(forked.log, "CPUS") == str([cpus[-1]])


def test_a_failing_command_has_the_same_status_and_message(course):
    plain, forked = run_both(course, "generate_assignment", "missing")
    assert plain.returncode not in (0, None)
    assert forked.returncode == plain.returncode
    assert forked.last_error() == plain.last_error()
    assert "No notebooks were matched" in forked.last_error()


def test_the_deadline_stops_a_forked_command_with_what_it_started(course, monkeypatch):
    monkeypatch.setenv("SLEEP", "1")
    with nbgrader_forkserver.running(environment()) as server:
        result = nbgrader(course, "list", deadline=3)
        assert result.returncode is None
        child = int(said(result.log, "CHILD"))
        assert not psutil.pid_exists(child) or psutil.Process(child).status() == psutil.STATUS_ZOMBIE
        assert server.proc.poll() is None, "one command's deadline must not stop the server"
    assert server.proc.returncode == 0


def test_the_server_ends_with_its_block_and_leaves_nothing(course):
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with nbgrader_forkserver.running(environment()) as server:
        assert nbgrader(course, "list").returncode is not None
        pid = server.proc.pid
    assert server.proc.returncode == 0
    assert not psutil.pid_exists(pid)
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= before
    assert not os.path.exists(server.address)

"""Fixtures shared by the tests in this folder (helpers live in testkit.py), and the suite's
last check: no process it started outlives it.

`make test` runs the tests in pytest-xdist workers side by side (Makefile XDIST), each module
in one worker. Every pytest process (each worker, and the one that hands out the modules)
has a session marker of its own, so each checks, when it is done, only what its own tests
started; session fixtures (the PostgreSQL server) are one per worker."""
import os
import time
import uuid
from pathlib import Path

import pytest

#: The fast tier (`make test-fast`): static, engine and check tests that need no nbgrader run,
#: no notebook kernel, no npm, PostgreSQL or Chromium, about a minute on two idle cores.
#: Every other module is the full tier (marker "full", `make test-full`); a new module is full
#: until it is listed here.
FAST_TIER = {
    "tests/engine", "tests/contention", "tests/test_layering.py", "tests/test_weights.py",
    "tests/test_admission.py", "tests/test_puzzles.py", "tests/test_feedback_stories.py",
    "tests/test_evidence.py", "tests/test_check_cell.py", "tests/test_exercise_points.py",
    "tests/test_environment.py", "tests/test_settings.py", "tests/test_process_batch.py",
    "tests/test_processes.py", "tests/test_course_tools.py", "tests/test_sandbox.py",
    "tests/test_hints.py", "tests/test_step.py", "tests/test_solutions.py",
    "tests/test_intake.py", "tests/test_browser_safety.py", "tests/test_spreadsheet.py", "tests/test_one_by_one.py",
    "tests/test_judge.py", "tests/test_affinity.py", "tests/test_leftovers.py", "tests/test_real_property.py",
    "tests/test_engine_bench.py", "tests/test_cpu_report.py",
}

#: every process a pytest process starts inherits this variable, set anew in each pytest
#: process (see pytest_sessionfinish)
SESSION_MARKER = "COURSE_TEST_SESSION"
#: seconds (machine share) the suite's last processes get to exit after the last test
LEFTOVER_GRACE = float(os.environ.get("COURSE_TEST_LEFTOVER_GRACE", "30"))
#: what each xdist worker found still running, gathered by the process that hands out modules
_LEFTOVERS_OF_WORKERS: list[str] = []


def pytest_configure(config):
    os.environ[SESSION_MARKER] = uuid.uuid4().hex
    config.addinivalue_line("markers", "full: the full tier (notebooks, nbgrader runs, hub, browser, "
                                       "PostgreSQL, the whole corpus); `make test-fast` leaves it out")


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).resolve().parent.parent
    for item in items:
        where = Path(item.fspath).resolve().relative_to(root)
        if not any(str(where) == fast or str(where).startswith(fast + "/") for fast in FAST_TIER):
            item.add_marker(pytest.mark.full)


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a process it started is still alive once the last test is over (after a
    grace for resource trackers and servers shutting down), and kill it: nothing a test starts
    may outlive `make test`. An xdist worker hands what it found to the process that runs
    the workers (pytest_testnodedown), whose exit status and report are the run's."""
    import psutil

    from autograder.deadlines import Deadline
    from tests.testkit import survivors

    marker = f"{SESSION_MARKER}={os.environ[SESSION_MARKER]}"
    clock = Deadline(LEFTOVER_GRACE)
    while (left := [p for p in survivors(marker) if not _ends_with_this_process(p)]) and not clock.expired():
        time.sleep(clock.wait_step(0.5))
    for line in left:
        try:
            psutil.Process(int(line.split(":", 1)[0])).kill()
        except psutil.Error:
            pass
    if hasattr(session.config, "workeroutput"):          # an xdist worker: its report is not shown
        session.config.workeroutput["leftovers"] = left
        return
    left += _LEFTOVERS_OF_WORKERS
    if not left:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"processes outlived the test run (killed now): {left}", red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """An xdist worker is done (see pytest_sessionfinish)."""
    _LEFTOVERS_OF_WORKERS.extend(getattr(node, "workeroutput", {}).get("leftovers", []))


def _ends_with_this_process(line: str) -> bool:
    """multiprocessing's own helpers of this very process (its resource tracker and
    forkserver, started by tests that used spawn or forkserver here): they exit with it."""
    import psutil

    try:
        proc = psutil.Process(int(line.split(":", 1)[0]))
        command = " ".join(proc.cmdline())
        return proc.ppid() == os.getpid() and ("multiprocessing.resource_tracker" in command or
                                               "multiprocessing.forkserver" in command)
    except psutil.Error:
        return True


def pytest_addoption(parser):
    parser.addoption("--record-verdicts", action="store_true",
                     help="tests/test_corpus.py: write the corpus answers' verdicts to tests/corpus/verdicts.json "
                          "instead of comparing them (see tests/corpus/README.md)")


@pytest.fixture
def process_marker():
    """An environment variable (KEY=VALUE) for a run's processes; see testkit.survivors."""
    return f"COURSE_TEST_MARKER={uuid.uuid4().hex}"


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the whole run (tests/pgkit.py); each test module
    makes a database of its own on it. Stopping it must leave no server process behind."""
    import os

    from tests.pgkit import PostgresServer
    from tests.testkit import survivors

    marker = f"COURSE_TEST_MARKER=postgres-{uuid.uuid4().hex}"
    key, value = marker.split("=", 1)
    server = PostgresServer(env={**os.environ, key: value})
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()
    assert survivors(marker) == [], "PostgreSQL processes outlived pg_ctl stop"

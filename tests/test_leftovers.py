"""The suite's last check (tests/conftest.py pytest_sessionfinish): a process a test started
and left running fails the run and is killed, whether the tests ran in one process or in
xdist workers side by side (as `make test` runs them)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.testkit import REPO, survivors

#: a conftest with the suite's own hooks (not its tier marking, which needs paths in the repo)
CONFTEST = "from tests.conftest import pytest_configure, pytest_sessionfinish, pytest_testnodedown\n"
LEAVES_ONE = """
import subprocess, sys

def test_leaves_a_process_running():
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)

def test_something_else():
    pass
"""
CLEAN = """
import subprocess, sys

def test_waits_for_its_process():
    subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=60)
"""


def run_suite(folder, body: str, workers: int, marker: str) -> subprocess.CompletedProcess:
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "test_inner.py").write_text(body)
    key, value = marker.split("=", 1)
    env = {**os.environ, key: value, "PYTHONPATH": str(REPO), "COURSE_TEST_LEFTOVER_GRACE": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", str(workers),
                           "-q", str(folder)], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("workers", [0, 2])
def test_a_process_left_running_fails_the_run_and_is_killed(tmp_path, process_marker, workers):
    run = run_suite(tmp_path, LEAVES_ONE, workers, process_marker)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 passed" in run.stdout and "processes outlived the test run (killed now)" in run.stdout, run.stdout
    assert "time.sleep(120)" in run.stdout
    assert survivors(process_marker) == []


@pytest.mark.parametrize("workers", [0, 2])
def test_a_run_that_leaves_nothing_passes(tmp_path, process_marker, workers):
    run = run_suite(tmp_path, CLEAN, workers, process_marker)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "outlived" not in run.stdout

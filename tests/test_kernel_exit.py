"""A kernel that used multiprocessing's helpers exits by itself when Jupyter shuts it down
(course/kernel_exit.py), and leaves no multiprocessing temp folder behind.

Without ``import course`` stopping them first, ipykernel spends at least 14.4 s signalling
its children (the resource tracker ignores SIGTERM, the dead forkserver stays a zombie)
and Jupyter kills it after its shutdown wait: no exit handlers run and /tmp/pymp-* stays.
Real kernels, real helper processes."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

from autograder.deadlines import Deadline

USES_BOTH_HELPERS = """
import os, multiprocessing
p = multiprocessing.get_context("forkserver").Process(target=os.getpid)
p.start(); p.join(30)
lock = multiprocessing.get_context("spawn").Lock()     # the resource tracker tracks it
print(p.exitcode)
"""


@pytest.fixture
def kernel_tmp():
    tmp = Path(tempfile.mkdtemp(prefix="kernel-", dir="/tmp"))      # short: AF_UNIX paths
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


# a spawned child that makes a named semaphore (registered with the kernel's resource
# tracker), says its name in a file and sleeps: still running when the kernel shuts down
STILL_RUNNING_CHILD = """
import os, multiprocessing
child = multiprocessing.get_context("spawn").Process(target=exec, args=(
    "import multiprocessing as mp, os, time\\n"
    "lock = mp.get_context('spawn').Lock()\\n"
    "open(os.path.join(os.environ['TMPDIR'], 'sem'), 'w').write(lock._semlock.name)\\n"
    "time.sleep(600)",))
child.start()
"""


def exit_code_after_shutdown(first_line: str, tmp: Path, *, restart: bool = False, more: str = ""):
    """Run ``first_line``, USES_BOTH_HELPERS and ``more`` in a fresh kernel, ask it to shut
    down (or restart), and return the kernel process's exit code once it exited by itself,
    or None if it was still running when ipykernel's SIGTERM round would barely have ended."""
    km = KernelManager(kernel_name="python3")
    km.start_kernel(env={**os.environ, "TMPDIR": str(tmp)})
    try:
        kc = km.client()
        kc.start_channels(hb=False)        # no heartbeat thread (autograder/sandbox/execute.py)
        try:
            kc.wait_for_ready(timeout=120)
            reply = kc.execute_interactive(first_line + "\n" + USES_BOTH_HELPERS + more, timeout=120)
            assert reply["content"]["status"] == "ok", reply["content"]
            ready = Deadline(60)
            while more and not (tmp / "sem").exists() and not ready.expired():
                time.sleep(ready.wait_step(0.1))
            kc.shutdown(restart=restart)
            process = km.provisioner.process
            deadline = Deadline(10, max_stretch=1.4)     # never past 14 s: the unfixed floor
            while process.poll() is None and not deadline.expired():
                time.sleep(deadline.wait_step(0.1))
            return process.poll()
        finally:
            kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)


@pytest.mark.parametrize("restart", [False, True], ids=["shutdown", "restart"])
def test_a_kernel_that_imported_course_exits_by_itself_and_leaves_no_temp_folder(kernel_tmp, restart):
    assert exit_code_after_shutdown("import course", kernel_tmp, restart=restart) == 0
    assert not list(kernel_tmp.glob("pymp-*")), "the kernel's multiprocessing temp folder was left behind"


def test_a_child_still_running_at_shutdown_is_ended_before_the_tracker_so_its_semaphore_goes(kernel_tmp):
    assert exit_code_after_shutdown("import course", kernel_tmp, more=STILL_RUNNING_CHILD) == 0
    name = (kernel_tmp / "sem").read_text()
    assert not Path(f"/dev/shm/sem.{name.lstrip('/')}").exists(), f"semaphore {name} left in /dev/shm"


def test_without_course_the_kernel_is_still_waiting_for_its_helpers(kernel_tmp):
    # what course/kernel_exit.py is for: ipykernel alone does not get past the helpers
    assert exit_code_after_shutdown("", kernel_tmp) is None

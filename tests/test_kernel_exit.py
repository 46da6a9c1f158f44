"""A kernel that used multiprocessing's helpers exits by itself when Jupyter shuts it down
(course/kernel_exit.py), and leaves no multiprocessing temp folder behind.

Without ``import course`` stopping them first, ipykernel spends up to 14.4 s signalling
its children (the resource tracker ignores SIGTERM, the dead forkserver stays a zombie)
and Jupyter kills it after its shutdown wait: no exit handlers run and /tmp/pymp-* stays.
(This module had a test for that: the unfixed kernel was still running 5 s after the
request in 5 of 6 CI runs, but once, on a loaded machine, it had exited by itself within
8 s, for a reason not found; ipykernel's timing is not this project's to assert.)
Real kernels, real helper processes.

No semaphore a kernel made may outlive it, whatever the test finds: one left in /dev/shm
would count as a leak of whichever test runs beside this one. So a kernel still running
when a test ends is killed alone, never with its process group (whose resource tracker
would then die before it unlinks what it tracks)."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import psutil
import pytest
from jupyter_client.manager import KernelManager

from autograder.deadlines import Deadline

USES_BOTH_HELPERS = """
import os, multiprocessing
p = multiprocessing.get_context("forkserver").Process(target=os.getpid)
p.start(); p.join(30)
lock = multiprocessing.get_context("spawn").Lock()     # the resource tracker tracks it
open(os.path.join(os.environ["TMPDIR"], "lock-sem"), "w").write(lock._semlock.name)
print(p.exitcode)
"""


def semaphores_left(tmp: Path) -> list[str]:
    """The /dev/shm files of the semaphores the kernel (and its child) named in ``tmp`` that
    still exist once its resource tracker has had a moment to unlink them."""
    files = [Path("/dev/shm") / f"sem.{f.read_text().lstrip('/')}" for f in tmp.glob("*sem")]
    grace = Deadline(15)
    while any(f.exists() for f in files) and not grace.expired():
        time.sleep(grace.wait_step(0.1))
    return [f.name for f in files if f.exists()]


@pytest.fixture
def kernel_tmp():
    tmp = Path(tempfile.mkdtemp(prefix="kernel-", dir="/tmp"))      # short: AF_UNIX paths
    yield tmp
    for name in semaphores_left(tmp):         # a failed test must not fail its neighbours too
        Path("/dev/shm", name).unlink(missing_ok=True)
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


def exit_code_after_shutdown(tmp: Path, *, restart: bool = False, more: str = ""):
    """Run ``import course``, USES_BOTH_HELPERS and ``more`` in a fresh kernel, ask it to shut
    down (or restart), and return the kernel process's exit code once it exited by itself,
    or None if it was still running after 10 s of machine share (never past 14 s, when
    ipykernel's SIGTERM round would barely have ended)."""
    km = KernelManager(kernel_name="python3")
    km.start_kernel(env={**os.environ, "TMPDIR": str(tmp)})
    try:
        kc = km.client()
        kc.start_channels(hb=False)        # no heartbeat thread (autograder/sandbox/execute.py)
        try:
            kc.wait_for_ready(timeout=120)
            reply = kc.execute_interactive("import course\n" + USES_BOTH_HELPERS + more, timeout=120)
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
        kill_the_kernel_alone(km)
        km.shutdown_kernel(now=True)


def kill_the_kernel_alone(km: KernelManager) -> None:
    """SIGKILL a kernel still running, but not its process group as Jupyter would: its
    resource tracker then sees the kernel gone and unlinks what it tracks before it exits.
    (Killed with the group, the tracker would leave the kernel's semaphores in /dev/shm.)"""
    process = km.provisioner.process if km.provisioner else None
    if process is None or process.poll() is not None:
        return
    try:
        helpers = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return
    process.kill()
    grace = Deadline(15)
    while process.poll() is None and not grace.expired():
        time.sleep(grace.wait_step(0.1))
    while helpers and not grace.expired():
        _gone, helpers = psutil.wait_procs(helpers, timeout=grace.wait_step(0.2))


@pytest.mark.parametrize("restart", [False, True], ids=["shutdown", "restart"])
def test_a_kernel_that_imported_course_exits_by_itself_and_leaves_no_temp_folder(kernel_tmp, restart):
    assert exit_code_after_shutdown(kernel_tmp, restart=restart) == 0
    assert not list(kernel_tmp.glob("pymp-*")), "the kernel's multiprocessing temp folder was left behind"
    assert not semaphores_left(kernel_tmp)


def test_a_child_still_running_at_shutdown_is_ended_before_the_tracker_so_its_semaphore_goes(kernel_tmp):
    assert exit_code_after_shutdown(kernel_tmp, more=STILL_RUNNING_CHILD) == 0
    name = (kernel_tmp / "sem").read_text()
    assert not Path(f"/dev/shm/sem.{name.lstrip('/')}").exists(), f"semaphore {name} left in /dev/shm"
    assert not semaphores_left(kernel_tmp)

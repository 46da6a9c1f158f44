"""Every lesson notebook runs, under fork, spawn and forkserver, and leaves nothing behind.

Source notebooks (solutions in) run in full under each start method, as nbgrader runs them
(NBGRADER_EXECUTION=autograde, so expensive cells use their small configuration): no
error, nothing on stderr, no process left running, no POSIX semaphore or shared-memory
segment left in /dev/shm, no multiprocessing temp folder (pymp-*) left in the kernel's
TMPDIR. Release notebooks (what students get) run up to their first answer cell.

To keep the suite short, the cells that call the grader's checks (``from autograder import
check``) run under one start method only: each check already runs the student's class
under every start method itself, so running it three times would test nothing new.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from nbclient import NotebookClient

from autograder.deadlines import Deadline
from autograder.sandbox.execute import WithoutHeartbeat
from tests.testkit import REPO, leaked_shm, shm_entries, survivors

# Test cells of exercises whose checks the grader does not have yet: their "unknown
# exercise" error is expected. Grade-id prefixes; empty this once the checks exist.
EXERCISES_WITHOUT_CHECKS: tuple[str, ...] = ()

START_METHODS = [m for m in ("fork", "spawn", "forkserver") if m in multiprocessing.get_all_start_methods()]
CHECKS_RUN_UNDER = "spawn" if "spawn" in START_METHODS else START_METHODS[0]
# A hang guard, not a speed limit: every live cell has deadlines of its own, and the
# slowest cell needs well under a minute on an idle machine.
CELL_TIMEOUT = 600
# Wall seconds a kernel gets to exit by itself once asked to (Jupyter's default is 5): a
# kernel still waiting for multiprocessing's helpers takes at least 14.4 s and is then
# killed, leaving its pymp-* folder (course/kernel_exit.py); one that stopped them takes a
# fraction of a second, or a few on a busy machine.
KERNEL_EXIT_WAIT = 12
SOURCE = sorted(REPO.glob("source/[0-9][0-9]-*/[0-9][0-9]-*.ipynb"))
RELEASE = sorted(REPO.glob("release/[0-9][0-9]-*/[0-9][0-9]-*.ipynb"))


def grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def is_answer_cell(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


def calls_grader(cell) -> bool:
    return cell.cell_type == "code" and "from autograder import check" in cell.source


def excluded(cell) -> bool:
    return any(grade_id(cell).startswith(prefix) for prefix in EXERCISES_WITHOUT_CHECKS)


def problems(cell) -> list[str]:
    """Error outputs and stderr streams of one executed cell."""
    found = []
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            found.append(f"error {out.ename}: {out.evalue[:800]}")
        elif out.output_type == "stream" and out.name == "stderr":
            found.append(f"stderr: {out.text[:800]}")
    return found


def _descendants() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True)}


class LessonClient(WithoutHeartbeat, NotebookClient):
    """As grading's display run: jupyter_client's heartbeat thread can hold the kernel's
    clean-up for good on a loaded machine (autograder/sandbox/execute.py). A kernel gets
    KERNEL_EXIT_WAIT to exit by itself when shut down."""

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        km.shutdown_wait_time = KERNEL_EXIT_WAIT
        return km


def execute(nb, folder: Path, env: dict[str, str], hooks: dict | None = None) -> None:
    """Run ``nb`` in a fresh python3 kernel started with ``env`` added to the environment
    (``hooks``: nbclient's, e.g. ``on_cell_executed``)."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        client = LessonClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
                              resources={"metadata": {"path": str(folder)}}, **(hooks or {}))
        client.execute()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_clean(nb, folder: Path, env: dict[str, str], marker: str, hooks: dict | None = None) -> None:
    """Execute, then assert that no process, no /dev/shm entry and no multiprocessing temp
    folder outlived the kernel (its TMPDIR is this run's own folder, short for AF_UNIX paths)."""
    shm_before = shm_entries()
    children_before = _descendants()
    key, value = marker.split("=", 1)
    tmp = Path(tempfile.mkdtemp(prefix="kernel-", dir="/tmp"))
    try:
        execute(nb, folder, {**env, key: value, "MPLBACKEND": "Agg", "NBGRADER_EXECUTION": "autograde",
                             "TMPDIR": str(tmp)}, hooks)
        # The kernel is shut down; its forkserver and resource tracker exit when it does.
        deadline = Deadline(15)                 # machine share: a busy machine waits longer
        while not deadline.expired():
            left = survivors(marker) + [str(pid) for pid in _descendants() - children_before]
            leaked = shm_entries() - shm_before
            left_in_tmp = sorted(p.name for p in tmp.glob("pymp-*"))
            if not left and not leaked and not left_in_tmp:
                break
            time.sleep(0.2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert not left, f"processes left running after the notebook: {left}"
    assert not left_in_tmp, (f"multiprocessing temp folders left after the kernel shut down: {left_in_tmp} "
                             f"(a killed kernel leaves them: course/kernel_exit.py)")
    leaked = leaked_shm(shm_before)
    assert not leaked, f"left in /dev/shm after the notebook: {sorted(leaked)}"


def lesson_id(path: Path) -> str:
    return path.parent.name


@pytest.mark.parametrize("method", START_METHODS)
@pytest.mark.parametrize("notebook", SOURCE, ids=lesson_id)
def test_source_notebook_runs_cleanly(notebook, method, process_marker):
    nb = nbformat.read(notebook, as_version=4)
    if method != CHECKS_RUN_UNDER:
        nb.cells = [c for c in nb.cells if not calls_grader(c)]
    run_clean(nb, notebook.parent, {"COURSE_START_METHOD": method}, process_marker)
    failures = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or excluded(cell):
            continue
        for problem in problems(cell):
            failures.append(f"cell {index} {grade_id(cell) or ''}\n{cell.source[:300]}\n-> {problem}")
    assert not failures, f"{notebook.name} under {method}:\n\n" + "\n\n".join(failures)


@pytest.mark.parametrize("notebook", RELEASE, ids=lesson_id)
def test_release_notebook_runs_up_to_its_first_exercise(notebook, process_marker):
    nb = nbformat.read(notebook, as_version=4)
    first_answer = next((i for i, c in enumerate(nb.cells) if is_answer_cell(c)), len(nb.cells))
    nb.cells = nb.cells[:first_answer]
    run_clean(nb, notebook.parent, {}, process_marker)
    failures = [f"cell {i}\n{c.source[:300]}\n-> {p}" for i, c in enumerate(nb.cells)
                if c.cell_type == "code" for p in problems(c)]
    assert not failures, f"{notebook.name}:\n\n" + "\n\n".join(failures)


def test_every_lesson_has_a_release_notebook():
    released = {lesson_id(p) for p in RELEASE}
    missing = [lesson_id(p) for p in SOURCE if lesson_id(p) not in released]
    assert not missing, f"run `python -m autograder release {' '.join(missing)}`"

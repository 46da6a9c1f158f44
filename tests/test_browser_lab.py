"""A student in a real browser (Playwright, Debian's Chromium), in JupyterLab started as
`make lab` starts it: open 02-locks, run all cells, type a correct SafeCounter into the
answer cell, run its visible test and see it pass, answer the quiz, press nbgrader's
Validate and see success. Screenshots go to the test's output folder (paths printed).

The lab serves a scratch copy of the course, so nothing in the checkout is modified.
"""
import shutil
import subprocess
import time
import urllib.request
import uuid

import nbformat
import pytest

from autograder.instructor.hub import free_port
from autograder.instructor.lab import lab_command, lab_environment
from tests.browserkit import chromium, screenshot
from tests.testkit import REPO, leaked_shm_after, shm_entries, survivors

NOTEBOOK = "release/02-locks/02-locks.ipynb"
TOKEN = "course-browser-token"
CORRECT = (REPO / "demo" / "submissions" / "02-locks" / "correct.py").read_text()


def cell_index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def solution_lines(source_cell: str) -> str:
    """The lines between nbgrader's solution markers: what a student would type."""
    text = source_cell.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
    return text.strip("\n")


@pytest.fixture
def lab(tmp_path):
    course = tmp_path / "course"
    (course / "release").mkdir(parents=True)
    shutil.copytree(REPO / "release" / "02-locks", course / "release" / "02-locks")
    shutil.copyfile(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    marker = f"COURSE_TEST_MARKER=lab-{uuid.uuid4().hex}"
    key, value = marker.split("=", 1)
    # The lab's runtime files, settings and workspaces stay in the test's folder.
    env = {**lab_environment(), key: value, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_DATA_DIR": str(tmp_path / "data"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    port = free_port()
    shm_before = shm_entries()
    with open(tmp_path / "lab.log", "w") as log:
        proc = subprocess.Popen(lab_command(port, root=course, token=TOKEN), cwd=course, env=env,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        until = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=10):
                    break
            except OSError:
                assert proc.poll() is None, (tmp_path / "lab.log").read_text()[-3000:]
                assert time.monotonic() < until, "jupyter lab did not answer within 180 s"
                time.sleep(0.5)
        yield base, course, marker
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
    assert survivors(marker) == [], "the lab or one of its kernels outlived it"
    assert leaked_shm_after(shm_before) == set(), "the lesson's semaphores or shared memory outlived the lab"


def test_student_solves_safe_counter_and_validates(lab, tmp_path):
    base, course, _ = lab
    release = nbformat.read(course / NOTEBOOK, as_version=4)
    source = nbformat.read(REPO / NOTEBOOK.replace("release/", "source/"), as_version=4)
    answer_at = cell_index(release, "safe_counter")
    visible_at = cell_index(release, "safe_counter_test_visible")
    quizzes = [(cell_index(release, c.metadata.nbgrader["grade_id"]), solution_lines(c.source))
               for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")
               and c.metadata.nbgrader["grade_id"] != "safe_counter"]
    plot_at = next(i for i, c in enumerate(release.cells) if "plt.subplots" in c.source)
    # The ungraded cell that tries the student's class with real processes.
    tryout_at = next(i for i in range(answer_at + 1, visible_at) if "SafeCounter(" in release.cells[i].source)

    with chromium(f"COURSE_TEST_MARKER=lab-browser-{uuid.uuid4().hex}") as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(120_000)
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={TOKEN}")
        cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
        cells.nth(len(release.cells) - 1).wait_for(state="attached")
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(state="attached")

        # Run > Run All Cells: the lesson runs until the unanswered SafeCounter is first used.
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        stopped = cells.locator(".jp-OutputArea-output", has_text="NotImplementedError").first
        stopped.wait_for(state="attached", timeout=600_000)
        assert "NotImplementedError" in cells.nth(tryout_at).text_content()
        plot = cells.nth(plot_at).locator(".jp-OutputArea-output img")
        plot.scroll_into_view_if_needed()
        assert plot.bounding_box()["width"] > 400          # the timeline plot rendered
        screenshot(page, tmp_path, "lab-1-run-all-plot")

        # Type a correct SafeCounter into the answer cell, run it and the cells down to the visible test.
        answer_cell = cells.nth(answer_at)
        answer_cell.locator(".cm-content").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(CORRECT.rstrip("\n"))
        assert answer_cell.locator(".cm-content").text_content().startswith("%%exercise safe_counter")
        for _ in range(visible_at - answer_at + 1):
            page.keyboard.press("Shift+Enter")
        visible = cells.nth(visible_at)
        visible.locator(".jp-OutputArea-output", has_text="visible checks: all passed").wait_for(
            state="attached", timeout=600_000)
        assert "[FAIL]" not in visible.locator(".jp-OutputArea").text_content()
        tryout = cells.nth(tryout_at).locator(".jp-OutputArea").text_content()
        assert "Error" not in tryout and "of" in tryout, tryout      # e.g. "20,000 of 20,000"
        visible.scroll_into_view_if_needed()
        screenshot(page, tmp_path, "lab-2-visible-test-passes")

        # The quiz answers, then save and Validate.
        for index, text in quizzes:
            cells.nth(index).locator(".cm-content").click()
            page.keyboard.press("Control+A")
            page.keyboard.insert_text(text)
        page.keyboard.press("Escape")
        page.keyboard.press("Control+S")
        page.locator(".lm-TabBar-tab.jp-mod-dirty").wait_for(state="detached")
        page.get_by_role("button", name="Validate").click()
        # nbgrader runs the whole notebook in a fresh kernel, then shows its verdict.
        page.get_by_text("Success! Your notebook passes all the tests.").wait_for(timeout=600_000)
        screenshot(page, tmp_path, "lab-3-validate-success")
        page.close()

    saved = nbformat.read(course / NOTEBOOK, as_version=4)
    assert saved.cells[answer_at].source.strip() == CORRECT.strip()
    # The checkout's own notebook is untouched.
    assert nbformat.read(REPO / NOTEBOOK, as_version=4).cells[answer_at].source != saved.cells[answer_at].source

"""A student in a real browser (Playwright, Debian's Chromium), in JupyterLab started as
`make lab` starts it: open 02-locks, run all cells, type a correct SafeCounter into the
answer cell, run its visible test and see it pass, answer the quiz, press nbgrader's
Validate and see success. Screenshots go to the test's output folder (paths printed).

The lab serves a scratch copy of the course, so nothing in the checkout is modified.
"""
import contextlib
import shutil
import subprocess
import time
import urllib.request
import uuid

import nbformat
import pytest

from autograder.instructor.hub import free_port
from autograder.instructor.lab import lab_command, lab_environment, lab_root
from tests.browserkit import chromium, screenshot
from tests.testkit import REPO, leaked_shm_after, shm_entries, survivors

NOTEBOOK = "release/02-locks/02-locks.ipynb"
IN_LAB = NOTEBOOK.removeprefix("release/")          # `make lab` opens at release/
TOKEN = "course-browser-token"
CORRECT = (REPO / "demo" / "submissions" / "02-locks" / "correct.py").read_text()


def cell_index(nb, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def solution_lines(source_cell: str) -> str:
    """The lines between nbgrader's solution markers: what a student would type."""
    text = source_cell.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
    return text.strip("\n")


@contextlib.contextmanager
def lab_notebook(base: str, release, *, height: int):
    """Chromium with the lesson open in the lab, every cell rendered and the kernel idle:
    (the page, its cells)."""
    with chromium(f"COURSE_TEST_MARKER=lab-browser-{uuid.uuid4().hex}") as browser:
        page = browser.new_page(viewport={"width": 1400, "height": height})
        page.set_default_timeout(120_000)
        page.goto(f"{base}/lab/tree/{IN_LAB}?token={TOKEN}")
        cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
        cells.nth(len(release.cells) - 1).wait_for(state="attached")
        page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(state="attached")
        yield page, cells


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
        proc = subprocess.Popen(lab_command(port, root=lab_root(course), token=TOKEN), cwd=course, env=env,
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

    with lab_notebook(base, release, height=900) as (page, cells):

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


COUNTER_BREAKS = [1, 1, 1, 2, 2, 2, 2, 2, 2, 1, 1, 1]      # P1 reads, P2 increments, P1 writes back


def test_student_clicks_through_a_schedule_that_breaks_the_counter(lab, tmp_path):
    """autograder.step("counter_schedule") in 02-locks: click P1 and P2 through a lost update,
    see the buttons follow who can move, the invariant fail, and the schedule copied into the
    answer variable, which the puzzle's check cell then accepts."""
    base, course, _ = lab
    release = nbformat.read(course / NOTEBOOK, as_version=4)
    show_at = next(i for i, c in enumerate(release.cells) if 'puzzle.show("counter_schedule")' in c.source)
    step_at = next(i for i, c in enumerate(release.cells) if c.source.strip() == 'step("counter_schedule")')
    check_at = cell_index(release, "counter_schedule_test")

    with lab_notebook(base, release, height=1000) as (page, cells):
        news = page.get_by_role("button", name="No", exact=True)       # JupyterLab's "notify about news?"
        if news.count():
            news.first.click()
        for index in (1, show_at, step_at):         # the imports, the puzzle, the widget
            cells.nth(index).locator(".cm-content").click()
            page.keyboard.press("Shift+Enter")
        widget = cells.nth(step_at).locator(".course-step-widget")
        widget.wait_for(state="visible", timeout=120_000)
        p1, p2 = widget.locator("button.course-step-P1"), widget.locator("button.course-step-P2")
        schedule = widget.locator("code", has_text="counter_schedule = [")
        assert schedule.first.text_content() == "counter_schedule = []"
        for k, pid in enumerate(COUNTER_BREAKS, 1):
            (p1 if pid == 1 else p2).click()
            widget.locator("code", has_text=f"counter_schedule = {COUNTER_BREAKS[:k]}").first.wait_for()
            if k == 4:        # P1 has read 0 and released; P2 holds the lock and waits to read
                assert "P1: blocks on _lock" in p1.text_content()
                assert "◀ P2 next" in widget.text_content()
                widget.scroll_into_view_if_needed()
                screenshot(page, tmp_path, "step-1-p2-took-the-lock")
            if k == 9:        # P2 is done: its button is greyed out
                assert p2.is_disabled() and "finished" in p2.text_content()
        outcome = widget.get_by_text("It broke: after two increments the counter is 1, not 2")
        outcome.wait_for()
        assert p1.is_disabled() and p2.is_disabled()
        widget.locator("img").first.wait_for()          # the swim-lane picture of the steps
        widget.scroll_into_view_if_needed()
        screenshot(page, tmp_path, "step-2-the-invariant-fails")

        # Undo goes one step back; the same click brings the broken end back.
        widget.get_by_role("button", name="Undo").click()
        widget.locator("code", has_text=f"counter_schedule = {COUNTER_BREAKS[:-1]}").first.wait_for()
        assert not p1.is_disabled()
        p1.click()
        outcome.wait_for()

        # One click copies the schedule into the answer variable; the graded cell accepts it.
        widget.get_by_role("button", name="Copy into counter_schedule").click()
        widget.get_by_text("is set: run the check cell").wait_for()
        cells.nth(check_at).locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        cells.nth(check_at).locator(".jp-OutputArea-output", has_text="You broke it").wait_for(timeout=120_000)
        cells.nth(check_at).scroll_into_view_if_needed()
        screenshot(page, tmp_path, "step-3-copied-and-checked")
        page.close()

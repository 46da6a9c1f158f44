"""Binder: environment.yml pins a Python version repo2docker builds, and postBuild runs here.

postBuild is run the way repo2docker runs it (from the repository's root, after the
environment is installed), in a scratch copy of the repository with its own home folder, so
the checkout and the real user's Jupyter config are untouched. Then JupyterLab started on
that copy must serve the learners' nbgrader tools and not the instructor's.
"""
import json
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import yaml

from autograder.instructor.hub import free_port
from autograder.instructor.lab import lab_command, lab_environment
from tests.testkit import REPO, survivors

TOKEN = "course-binder-token"


def test_environment_pins_a_python_that_binder_builds():
    deps = yaml.safe_load((REPO / "environment.yml").read_text())["dependencies"]
    pins = [d for d in deps if isinstance(d, str) and re.match(r"python\b", d)]
    # repo2docker reads `python=X.Y` (its PYTHON_REGEX); a range such as python>=3.10 is ignored.
    assert len(pins) == 1 and re.fullmatch(r"python=3\.\d+", pins[0].replace(" ", "")), pins
    assert (REPO / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def venv_jupyter_config() -> dict:
    folder = REPO / ".venv" / "etc" / "jupyter"
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, ""
    except OSError:             # not listening yet
        return None, ""


def test_postbuild_runs_and_leaves_learners_only_their_tools(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(REPO, copy, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", ".venv", "node_modules", ".hub", ".demo-course"))
    home = tmp_path / "home"
    home.mkdir()
    marker = f"COURSE_TEST_MARKER=binder-{uuid.uuid4().hex}"
    key, value = marker.split("=", 1)
    env = {**lab_environment(), key: value, "HOME": str(home), "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
           "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter"), "MPLCONFIGDIR": str(home / ".matplotlib"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings")}
    before = venv_jupyter_config()

    built = subprocess.run(["bash", "./postBuild"], cwd=copy, env=env, capture_output=True, text=True,
                           timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    assert venv_jupyter_config() == before, "postBuild changed the checkout's own environment"

    port = free_port()
    proc = subprocess.Popen(lab_command(port, root=copy, token=TOKEN), cwd=copy, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        until = time.monotonic() + 180
        while get(f"{base}/api/status?token={TOKEN}")[0] != 200:
            assert proc.poll() is None, "jupyter lab exited early"
            assert time.monotonic() < until, "jupyter lab did not answer within 180 s"
            time.sleep(0.5)
        # Learners keep the assignment list and Validate; the formgrader and course list are off.
        assert get(f"{base}/assignments?course_id=process-sync&token={TOKEN}")[0] == 200
        assert get(f"{base}/formgrader?token={TOKEN}")[0] == 404
        assert get(f"{base}/formgraders?token={TOKEN}")[0] == 404
        _, page = get(f"{base}/lab?token={TOKEN}")
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        assert "@jupyter/nbgrader" in {ext["name"] for ext in config["federated_extensions"]}
        disabled = set(config["disabledExtensions"])
        assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= disabled
        assert "@jupyter/nbgrader:assignment-list" not in disabled
        assert "@jupyter/nbgrader:validate-assignment" not in disabled
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
    assert survivors(marker) == []


def test_the_readme_links_binder_only_to_a_real_repository():
    """A badge to a placeholder (OWNER/REPO) sends learners to Binder's error page."""
    readme = (REPO / "README.md").read_text()
    assert "mybinder.org/v2/gh/OWNER/REPO" not in readme
    for link in re.findall(r"\(https://mybinder\.org/v2/gh/([^)\s]+)\)", readme):
        assert "<" not in link and "OWNER" not in link, link

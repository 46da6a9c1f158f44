"""`make hub` (python -m autograder hub) refuses bad settings with a message that says what to
do, before anything starts."""
import os
import subprocess
import sys

from tests.testkit import REPO


def hub(tmp_path, *args, **env):
    return subprocess.run([sys.executable, "-m", "autograder", "hub", "--state", str(tmp_path / "state"), *args],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120, cwd=REPO)


def test_a_folder_that_is_not_a_course_is_refused(tmp_path):
    out = hub(tmp_path, "--course", str(tmp_path))
    assert out.returncode == 1
    assert f"{tmp_path} has no nbgrader_config.py" in out.stderr


def test_a_short_password_is_refused(tmp_path):
    out = hub(tmp_path, COURSE_HUB_PASSWORD="short")
    assert out.returncode == 1
    assert "the hub password has 5 characters" in out.stderr and "COURSE_HUB_PASSWORD" in out.stderr


def test_the_config_file_alone_says_how_to_start_the_hub(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    code = ("from traitlets.config.loader import PyFileConfigLoader\n"
            "PyFileConfigLoader('jupyterhub_config.py', path='deploy').load_config()")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode != 0
    assert "COURSE_HUB_STATE is not set: start the hub with `make hub`" in out.stderr

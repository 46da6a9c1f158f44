"""The Gradescope autograder bundle, run as Gradescope runs it, on a local copy of its layout.

The bundle is built (what `make gradescope-bundle` runs), unpacked into a temporary folder
laid out like Gradescope's /autograder (source/, submission/, results/), and its
run_autograder is executed on a student's notebook: results/results.json must be
Gradescope's format with the grade `make grade` would give.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

import jsonschema
import nbformat
import pytest

from autograder.instructor.demo import solved
from tests.testkit import REPO, survivors

SCHEMA = json.loads((REPO / "tests" / "schemas" / "gradescope_results.json").read_text())
pytestmark = pytest.mark.timeout(900 + 120)      # one submission's deadline, plus set-up


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "gradescope-autograder.zip"
    run = subprocess.run([sys.executable, "-m", "autograder", "gradescope-bundle", "--out", str(out)],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return out


def gradescope_root(bundle, tmp_path):
    """/autograder as Gradescope lays it out, with the bundle unpacked into source/."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(root / "source")
    shutil.copyfile(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    (root / "submission").mkdir()
    return root


def run_autograder(root, marker=None):
    env = {k: v for k, v in os.environ.items() if k != "COURSE_GRADEBOOK_URL"}
    env.update(AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    if marker:
        key, value = marker.split("=")
        env[key] = value
    return subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=900)


def test_the_bundle_has_what_gradescope_needs(bundle):
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in z.infolist()}
    for required in ("setup.sh", "run_autograder", "pyproject.toml", "nbgrader_config.py",
                     "autograder/instructor/preprocessors/trusted_scores.py", "autograder/sandbox/bwrap.py", "course/__init__.py",
                     "source/02-locks/02-locks.ipynb"):
        assert required in names
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert not any("__pycache__" in n for n in names)


def test_run_autograder_grades_a_correct_submission_with_full_marks(bundle, tmp_path, process_marker):
    root = gradescope_root(bundle, tmp_path)
    nb = solved(REPO / "release" / "02-locks" / "02-locks.ipynb", REPO / "source" / "02-locks" / "02-locks.ipynb")
    nbformat.write(nb, root / "submission" / "02-locks.ipynb")
    run = run_autograder(root, process_marker)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0
    names = {t["name"]: t for t in results["tests"]}
    assert names["safe_counter_test_hidden"]["visibility"] == "after_published"
    assert "all passed" in names["safe_counter_test_visible"]["output"]
    assert survivors(process_marker) == []


def test_run_autograder_explains_an_upload_of_the_wrong_file(bundle, tmp_path):
    root = gradescope_root(bundle, tmp_path)
    (root / "submission" / "homework.ipynb").write_text("{}")
    run = run_autograder(root)
    assert run.returncode == 0, run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, SCHEMA)
    assert results["score"] == 0 and "upload one of: 01-processes.ipynb" in results["output"]

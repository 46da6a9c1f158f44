"""environment.yml (conda, Binder) and pyproject.toml must name the same packages."""
import re
import tomllib

import yaml
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def names(specs):
    return {re.split(r"[<>=!~ \[]", s.strip(), maxsplit=1)[0].lower().replace("_", "-") for s in specs}


def test_environment_yml_matches_pyproject():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    deps = yaml.safe_load((REPO / "environment.yml").read_text())["dependencies"]
    conda = [d for d in deps if isinstance(d, str) and names([d]) - {"python", "pip"}]
    assert names(conda) == names(pyproject)
    # And the same version bounds, so the two environments cannot drift apart.
    assert {s.replace(" ", "") for s in conda} == {s.replace(" ", "") for s in pyproject}


def test_importing_nbformat_builds_no_iri_parsers():
    """pyproject.toml pins jsonschema below 4.24, whose format checker imports rfc3987-syntax
    (39 lark parsers built on import, about 2 s of CPU in every nbgrader command and notebook job)."""
    import subprocess
    import sys

    probe = "import sys, nbformat; print('rfc3987_syntax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False", "importing nbformat imported rfc3987_syntax: is jsonschema >= 4.24?"

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

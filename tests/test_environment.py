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


TEST_ONLY = {"pytest", "pytest-timeout"}


def test_test_only_packages_are_the_test_extra_and_not_runtime_dependencies():
    """Learners and the grader never run pytest: it is installed by `make test` (the Makefile
    installs `.[test]`), not with the course."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert not names(project["dependencies"]) & TEST_ONLY
    assert TEST_ONLY <= names(project["optional-dependencies"]["test"])
    assert "'.[test]'" in (REPO / "Makefile").read_text()


def test_nothing_outside_tests_imports_pytest():
    """Lessons, the grader, the benchmarks and Binder's postBuild run without the test extra."""
    import ast
    import json

    def imported(source: str) -> set[str]:
        try:
            tree = ast.parse(source)
        except SyntaxError:             # a notebook cell with a %% magic
            return {line.split()[1].split(".")[0] for line in source.splitlines()
                    if line.startswith(("import ", "from ")) and len(line.split()) > 1}
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
        return found

    users = []
    for folder in ("course", "autograder", "benchmarks"):
        for path in (REPO / folder).rglob("*.py"):
            if "pytest" in imported(path.read_text()):
                users.append(str(path.relative_to(REPO)))
    for path in [*(REPO / "source").rglob("*.ipynb"), *(REPO / "release").rglob("*.ipynb")]:
        cells = json.loads(path.read_text())["cells"]
        if any("pytest" in imported("".join(c["source"])) for c in cells if c["cell_type"] == "code"):
            users.append(str(path.relative_to(REPO)))
    if "pytest" in (REPO / "postBuild").read_text():
        users.append("postBuild")
    assert not users, f"these need pytest, a test-only package: {users}"

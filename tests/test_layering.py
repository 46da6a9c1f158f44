"""Dependencies run one way: course/ (what notebooks import) uses autograder/, never the
reverse, and inside autograder/ each layer uses only the layers below it.

The grader must not depend on lesson helpers (a lesson change must not change a grade);
lessons use the engine, the checks and the answer contract from autograder/."""
from __future__ import annotations

import ast

import pytest

from tests.testkit import REPO


def imports(path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


@pytest.mark.parametrize("path", sorted((REPO / "autograder").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_autograder_never_imports_course(path):
    wrong = [name for name in imports(path) if name == "course" or name.startswith("course.")]
    assert not wrong, f"{path.relative_to(REPO)} imports {wrong}: the grader must not depend on course/"


# Inside autograder/, each layer uses only the layers below it (the shared helpers are used by
# all): engine < checks < sandbox < instructor < student (the notebooks' API) < the root
# package, which only re-exports the student API. docs/architecture.md draws the same picture.
SHARED = ("autograder.affinity", "autograder.deadlines", "autograder.processes", "autograder.process_batch", "autograder.parsing",
          "autograder.environment", "autograder.spreadsheet", "autograder.sharing", "autograder.worker")
RANK = {**dict.fromkeys(SHARED, 0), "autograder.engine": 1, "autograder.judge": 1.5, "autograder.checks": 2,
        "autograder.sandbox": 3, "autograder.instructor": 4, "autograder.student": 5, "autograder": 6}


def layer_of(module: str) -> str | None:
    """The layer ``module`` belongs to: the longest RANK key it is or lies under (the root
    package only for itself; __main__, the command line, is above every layer)."""
    if module == "autograder":
        return "autograder"
    return next((layer for layer in RANK if layer != "autograder" and
                 (module == layer or module.startswith(layer + "."))), None)


def module_name(path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def absolute_imports(path) -> list[str]:
    """Every autograder module ``path`` imports, relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            found += [f"{target}.{alias.name}" for alias in node.names] + [target]
    return [name for name in found if name.startswith("autograder")]


@pytest.mark.parametrize("path", [p for p in sorted((REPO / "autograder").rglob("*.py")) if layer_of(module_name(p))],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_each_layer_uses_only_the_layers_below_it(path):
    mine = RANK[layer_of(module_name(path))]
    upward = sorted({name for name in absolute_imports(path)
                     if layer_of(name) and RANK[layer_of(name)] > mine})
    assert not upward, f"{path.relative_to(REPO)} (layer {layer_of(module_name(path))}) imports {upward}"


def test_autograder_parses_only_through_the_shared_lock():
    """check_answer may run in several threads at once, and CPython 3.11 and 3.12 can fail two
    ast.parse calls at once (autograder/parsing.py says why): every parse in autograder/ takes its lock."""
    direct = []
    for path in sorted((REPO / "autograder").rglob("*.py")):
        if path.name == "parsing.py" and path.parent.name == "autograder":
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            func = node.func if isinstance(node, ast.Call) else None
            if isinstance(func, ast.Attribute) and func.attr == "parse" and \
                    isinstance(func.value, ast.Name) and func.value.id == "ast":
                direct.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not direct, f"ast.parse called directly (use autograder.parsing.parse): {direct}"


@pytest.mark.parametrize("folder", ["course", "autograder", "benchmarks"])
def test_no_module_imports_a_private_name_from_another(folder):
    """A name that starts with _ is its module's own business: share it under a public name."""
    found = []
    for path in sorted((REPO / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom):
                found += [f"{path.relative_to(REPO)}: {node.module}.{alias.name}" for alias in node.names
                          if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not found, f"private names imported across modules: {found}"


def test_the_root_package_only_re_exports_the_student_api():
    """`import autograder` is what notebooks do: it must hold no API of its own and stay cheap
    (every sandboxed job imports it), so it imports the student API and nothing else."""
    root = REPO / "autograder" / "__init__.py"
    assert set(absolute_imports(root)) <= {"autograder.student", "autograder.student.being_graded",
                                           "autograder.student.check", "autograder.student.check_my_answers",
                                           "autograder.student.check_notebook", "autograder.student.replay",
                                           "autograder.student.hint", "autograder.student.step"}, \
        absolute_imports(root)
    tree = ast.parse(root.read_text())
    defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name != "__getattr__"]
    assert not defined, f"autograder/__init__.py defines {defined}: put it in autograder/student/"


def test_no_module_is_over_600_lines():
    """Small modules with one job: past 600 lines a module is doing two (split it by job)."""
    long = {str(p.relative_to(REPO)): n for p in sorted((REPO / "autograder").rglob("*.py")) +
            sorted((REPO / "course").rglob("*.py")) if (n := len(p.read_text().splitlines())) > 600}
    assert not long, f"modules over 600 lines: {long}"

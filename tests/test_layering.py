"""Dependencies run one way: course/ (what notebooks import) uses autograder/, never the reverse.

The grader must not depend on lesson helpers (it runs where students cannot reach it, and a
lesson change must not change a grade); lessons use the engine, the checks and the answer
contract from autograder/."""
from __future__ import annotations

import ast

import pytest

from testkit import REPO


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

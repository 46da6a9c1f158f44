"""Quiz keys come from source/: `make release` writes them, `make grade` refuses stale ones.

A quiz question is an answer cell and a test cell in a source notebook::

    # Write your answer as  locks_selfcheck_2 = ...          <- answer cell, grade id locks_selfcheck_2
    ### BEGIN SOLUTION
    locks_selfcheck_2 = "b"
    # why: An RLock counts its holder's acquisitions; ...    <- said when the answer is right
    # hint: who would have to release the Lock ...?          <- said when it is not
    ### END SOLUTION

    quiz.check("locks_selfcheck_2", locks_selfcheck_2)       <- locked test cell, 1 point

The solution's value (a literal: a number, letters, a list of letters) is the key. `make
release` stores it, salted and hashed, with the two sentences, in
``autograder/checks/quiz_keys.json`` (what students' ``quiz.check`` and the trusted grader
both read: autograder/checks/quizzes.py), so the file is never edited by hand. `make grade`
compares every quiz cell it is about to grade with source/ and refuses to start when they
disagree (a key changed in source/ without `make release`).
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat

from autograder.checks import quizzes
from autograder.parsing import parse
from .test_cells import QuizCall, UngradableCell, is_test_cell, read_test_cell

KEYS = Path(quizzes.__file__).with_name("quiz_keys.json")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def _solution(source: str) -> list[str]:
    lines = source.splitlines()
    try:
        return lines[lines.index(BEGIN) + 1: lines.index(END)]
    except ValueError:
        return []


def key_of(question: str, source: str, where: str) -> dict:
    """``{"digest", "why", "hint"}`` of one answer cell's solution; UngradableCell if unreadable."""
    body = _solution(source)
    comments = {line.split(":", 1)[0].lstrip("# ").strip(): line.split(":", 1)[1].strip()
                for line in body if line.lstrip().startswith("#") and ":" in line}
    value = None
    try:
        for node in parse("\n".join(body)).body:
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [question]:
                value = ast.literal_eval(node.value)
    except (SyntaxError, ValueError) as exc:
        raise UngradableCell(f"{where}: the solution of {question} is not a literal: {exc}") from None
    if value is None:
        raise UngradableCell(f"{where}: the answer cell {question} has no `{question} = <answer>` between "
                             f"{BEGIN} and {END}")
    missing = [k for k in ("why", "hint") if not comments.get(k)]
    if missing:
        raise UngradableCell(f"{where}: the solution of {question} needs a `# {missing[0]}: ...` line "
                             "(said to the student when the answer is right / wrong)")
    return {"digest": quizzes.digest(question, value), "why": comments["why"], "hint": comments["hint"]}


def keys_from_source(course: Path, names: list[str] | None = None) -> dict[str, dict]:
    """Every quiz question of these assignments (default: all in source/) and its key."""
    source = Path(course) / "source"
    found = {}
    folders = sorted(source / n for n in names) if names is not None else \
        sorted(p for p in source.iterdir() if p.is_dir() and p.name[:2].isdigit())
    for folder in folders:
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
                       if c.metadata.get("nbgrader", {}).get("solution") and c.metadata["nbgrader"].get("grade_id")}
            for cell in nb.cells:
                if not is_test_cell(cell):
                    continue
                try:
                    call = read_test_cell(cell.source)
                except UngradableCell:
                    continue                    # check_test_cells names it
                if not isinstance(call, QuizCall):
                    continue
                where = f"source/{folder.name}/{path.name}"
                if call.question not in answers:
                    raise UngradableCell(f"{where}: quiz.check names {call.question!r}, and no answer cell has "
                                         "that grade id")
                found[call.question] = key_of(call.question, answers[call.question], where)
    return found


def read_keys(path: Path = KEYS) -> dict[str, dict]:
    return json.loads(path.read_text()) if path.exists() else {}


def write(course: Path, path: Path = KEYS) -> dict[str, dict]:
    """Store the keys of every quiz question in ``course``'s source/ (others already stored are
    kept: several courses may share one installation). Returns the questions written."""
    keys = keys_from_source(course)
    path.write_text(json.dumps({**read_keys(path), **keys}, indent=1, sort_keys=True) + "\n")
    return keys


def verify(course: Path, names: list[str], path: Path = KEYS) -> None:
    """UngradableCell when a quiz question of these assignments has no stored key, or one that
    disagrees with source/ (then students' self-checks and the grader would disagree too)."""
    stored = read_keys(path)
    for question, key in keys_from_source(course, names).items():
        if stored.get(question) != key:
            what = "has no key" if question not in stored else "has a key that disagrees with source/"
            raise UngradableCell(f"quiz question {question} {what} in {path}: run `make release` (it "
                                 "writes the keys from source/) and commit the file")

"""A student's answer: the whole text of an answer cell, saved as module ``answer_<id>``.

This module owns the answer-file contract. In a notebook, the ``%%exercise <id>`` magic
(course.exercise) calls ``save_answer``: the text goes to ``<per-kernel folder>/answer_<id>.py``
on sys.path, so child processes can import the class under every start method. The checks
load the same kind of file with ``load_answer`` (in the grader, from the submitted notebook's
cell text, never from the file a kernel wrote).
"""
from __future__ import annotations

import atexit
import importlib
import inspect
import shutil
import sys
import tempfile
from pathlib import Path

from autograder.judge import RemoteClass

MAGIC_PREFIX = "%%"

_answer_dir: Path | None = None
_answers: dict[str, Path] = {}


def module_name(exercise_id: str) -> str:
    return f"answer_{exercise_id}"


def answer_dir() -> Path:
    """A per-kernel folder on sys.path (children inherit sys.path under spawn/forkserver)."""
    global _answer_dir
    if _answer_dir is None:
        _answer_dir = Path(tempfile.mkdtemp(prefix="course-answers-"))
        sys.path.insert(0, str(_answer_dir))
        atexit.register(shutil.rmtree, _answer_dir, True)
    return _answer_dir


def save_answer(exercise_id: str, source: str):
    """Write ``source`` as module ``answer_<id>``, import it afresh, and return the module."""
    if not exercise_id.isidentifier():
        raise ValueError(f"exercise id {exercise_id!r} must be a Python identifier, e.g. safe_counter")
    path = answer_dir() / f"{module_name(exercise_id)}.py"
    path.write_text(source)
    _answers[exercise_id] = path
    name = module_name(exercise_id)
    sys.modules.pop(name, None)
    importlib.invalidate_caches()
    return importlib.import_module(name)


def answer_path(exercise_id: str) -> Path:
    """Where the last run of the ``%%exercise <id>`` cell put its text."""
    try:
        return _answers[exercise_id]
    except KeyError:
        raise LookupError(
            f"not answered yet: run your `%%exercise {exercise_id}` cell first (keep that first "
            f"line: it is how the checks find your code)") from None


def answered() -> dict[str, Path]:
    """Every exercise whose %%exercise cell has run in this kernel, and where its text is."""
    return dict(_answers)


class AnswerError(Exception):
    """The answer cannot be checked at all; the message says what to fix."""


def cell_to_module_source(cell_source: str) -> str:
    """An answer cell's text as module source: a leading ``%%exercise``/``%%writefile`` line
    becomes an empty line, so the module's line numbers are the cell's (feedback cites them)."""
    lines = cell_source.splitlines(keepends=True)
    if lines and lines[0].lstrip().startswith(MAGIC_PREFIX):
        lines[0] = "\n" if lines[0].endswith("\n") else ""
    return "".join(lines)


def placeholders(cell_source: str) -> list[str]:
    """The functions of an answer cell that still raise NotImplementedError (the release
    notebook's placeholder), in order; [] when there are none or the text does not parse."""
    import ast

    from autograder.parsing import parse

    try:
        tree = parse(cell_to_module_source(cell_source))
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                exc = getattr(inner, "exc", None) if isinstance(inner, ast.Raise) else None
                target = exc.func if isinstance(exc, ast.Call) else exc
                if isinstance(target, ast.Name) and target.id == "NotImplementedError":
                    found.append(node.name)
                    break
    return found


def answer_source(cls) -> str:
    """The text of the module that defines the answer's class ("" if it cannot be read)."""
    if isinstance(cls, RemoteClass):
        return cls.source
    try:
        return inspect.getsource(inspect.getmodule(cls))
    except (OSError, TypeError):
        return ""


def load_answer(exercise_id: str, path: Path):
    """Import ``path`` as module ``answer_<id>`` (the name the %%exercise magic uses)."""
    name = module_name(exercise_id)
    path = Path(path)
    text = path.read_text()
    if text.lstrip().startswith(MAGIC_PREFIX):
        path = path.with_name(f"{name}.py")
        path.write_text(cell_to_module_source(text))
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    sys.modules.pop(name, None)
    importlib.invalidate_caches()
    try:
        if path.stem != name:
            raise AnswerError(f"answer file {path} must be named {name}.py")
        return importlib.import_module(name)
    except SyntaxError as exc:
        raise AnswerError(f"your answer cell has a syntax error on line {exc.lineno}: {exc.msg}") from None
    except AnswerError:
        raise
    except Exception as exc:
        raise AnswerError(f"running your answer cell raised {type(exc).__name__}: {exc}") from None


def require_class(module, class_name: str, signature: str, required: list[str]):
    """The class the contract names, with the parameters it promises (``ctx`` keyword-only).
    ``module`` is the answer's module, or (grading) what the judge knows of it: its classes
    as judge.RemoteClass."""
    cls = getattr(module, class_name, None)
    if not (inspect.isclass(cls) or isinstance(cls, RemoteClass)):
        raise AnswerError(f"your answer cell defines no class named {class_name}; "
                          f"the exercise expects {signature}")
    try:
        params = (cls.signature() if isinstance(cls, RemoteClass) else inspect.signature(cls)).parameters
    except (TypeError, ValueError):
        return cls
    missing = [p for p in required if p not in params]
    if missing:
        raise AnswerError(f"{class_name} is missing parameter(s) {', '.join(missing)}; "
                          f"the exercise expects {signature}")
    if "ctx" in params and params["ctx"].kind is not inspect.Parameter.KEYWORD_ONLY:
        raise AnswerError(f"ctx must be keyword-only (put it after a `*`): {signature}")
    if "ctx" in params and params["ctx"].default is not None:
        raise AnswerError(f"ctx must default to None: {signature}")
    return cls

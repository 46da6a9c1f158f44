"""Load a student's answer (the whole text of its answer cell) as a module, or explain why not."""
from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path

MAGIC_PREFIX = "%%"


class AnswerError(Exception):
    """The answer cannot be checked at all; the message says what to fix."""


def cell_to_module_source(cell_source: str) -> str:
    """An answer cell's text as module source: a leading ``%%exercise``/``%%writefile`` line goes."""
    lines = cell_source.splitlines(keepends=True)
    if lines and lines[0].lstrip().startswith(MAGIC_PREFIX):
        lines = lines[1:]
    return "".join(lines)


def load_answer(exercise_id: str, path: Path):
    """Import ``path`` as module ``answer_<id>`` (the name the %%exercise magic uses)."""
    name = f"answer_{exercise_id}"
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
    """The class the contract names, with the parameters it promises (``ctx`` keyword-only)."""
    cls = getattr(module, class_name, None)
    if not inspect.isclass(cls):
        raise AnswerError(f"your answer cell defines no class named {class_name}; "
                          f"the exercise expects {signature}")
    try:
        params = inspect.signature(cls).parameters
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

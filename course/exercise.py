"""The ``%%exercise <id>`` cell magic: an answer cell becomes an importable module.

Child processes started with spawn or forkserver cannot unpickle a class defined in a
notebook (it lives in the kernel's ``__main__``). So the magic writes the cell's text to
``<tmp>/answer_<id>.py``, imports it fresh, and copies its public names into the notebook.
The class then pickles by reference to that module under every start method, and the
grader reads the same file, so what the student tried is exactly what is graded.
"""
from __future__ import annotations

import atexit
import importlib
import shutil
import sys
import tempfile
from pathlib import Path

_answer_dir: Path | None = None
_answers: dict[str, Path] = {}


def answer_dir() -> Path:
    """A per-kernel folder on sys.path (children inherit sys.path under spawn/forkserver)."""
    global _answer_dir
    if _answer_dir is None:
        _answer_dir = Path(tempfile.mkdtemp(prefix="course-answers-"))
        sys.path.insert(0, str(_answer_dir))
        atexit.register(shutil.rmtree, _answer_dir, True)
    return _answer_dir


def module_name(exercise_id: str) -> str:
    return f"answer_{exercise_id}"


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
            f"No answer for '{exercise_id}' yet: run the answer cell (the one starting with "
            f"`%%exercise {exercise_id}`) before its test cell. If you deleted that first line, "
            f"put it back: it is what lets the grader find your code."
        ) from None


def answered() -> dict[str, Path]:
    """Every exercise whose %%exercise cell has run in this kernel, and where its text is."""
    return dict(_answers)


def exercise(line: str, cell: str) -> None:
    """IPython cell magic body: ``%%exercise safe_counter``."""
    from IPython import get_ipython

    exercise_id = line.strip()
    module = save_answer(exercise_id, cell)
    public = {k: v for k, v in vars(module).items() if not k.startswith("_")}
    get_ipython().user_ns.update(public)


def register(ipython) -> None:
    ipython.register_magic_function(exercise, magic_kind="cell", magic_name="exercise")

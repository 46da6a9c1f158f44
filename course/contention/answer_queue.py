"""The student's own BoundedQueue, read from their 05-conditions notebook, for the lab.

The course ships no bounded queue of its own (it would be an answer to a graded exercise).
Instead the lab measures the one a student wrote: :func:`load_queue` finds the answer cell
with ``grade_id`` ``bounded_queue`` in a notebook, saves its text as a module exactly as the
``%%exercise`` magic does (see :mod:`autograder.checks.answers`), so that child processes can import
the class under fork, spawn and forkserver, and returns the class::

    try:
        BoundedQueue = load_queue("../05-conditions/05-conditions.ipynb")
    except NoQueueAnswer as exc:
        BoundedQueue = None          # the lab then measures Queue and Pipe only
        print(exc)

Importing the answer runs the cell's code in this process, as running the cell in its own
notebook would.
"""
from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

__all__ = ["GRADE_ID", "NoQueueAnswer", "load_queue", "answer_source"]

GRADE_ID = "bounded_queue"


class NoQueueAnswer(LookupError):
    """There is no usable BoundedQueue in the notebook; the message says why and what to do."""


def answer_source(notebook) -> str:
    """The text of the ``bounded_queue`` answer cell of ``notebook``, without its ``%%`` line."""
    path = Path(notebook)
    if not path.is_file():
        raise NoQueueAnswer(f"{path} does not exist: answer the bounded-queue exercise in "
                            f"05-conditions first, or give the path of that notebook")
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError, TypeError) as exc:
        raise NoQueueAnswer(f"{path} is not a notebook ({type(exc).__name__}: {exc})") from None
    for cell in cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == GRADE_ID:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            lines = source.splitlines(keepends=True)
            if lines and lines[0].startswith("%%"):      # %%exercise bounded_queue
                lines = lines[1:]
            return "".join(lines)
    raise NoQueueAnswer(f"{path} has no answer cell with grade_id {GRADE_ID!r} (is it the "
                        f"05-conditions notebook, with its nbgrader metadata?)")


def load_queue(notebook, *, ctx=None) -> type:
    """The ``BoundedQueue`` class answered in ``notebook``, importable by child processes.

    Raises :class:`NoQueueAnswer` if the notebook or its answer cell is missing, the cell
    has not been answered yet, or its code does not run or make a queue.
    """
    from autograder.checks.answers import save_answer

    source = answer_source(notebook)
    try:
        module = save_answer(GRADE_ID, source)
    except Exception as exc:
        raise NoQueueAnswer(f"the bounded_queue answer in {notebook} does not run: "
                            f"{type(exc).__name__}: {exc}") from None
    cls = getattr(module, "BoundedQueue", None)
    if not isinstance(cls, type):
        raise NoQueueAnswer(f"the bounded_queue answer in {notebook} defines no class "
                            f"BoundedQueue")
    try:
        cls(2, ctx=ctx or multiprocessing.get_context())
    except NotImplementedError:
        raise NoQueueAnswer(f"the bounded-queue exercise in {notebook} is not answered yet "
                            f"(BoundedQueue(2) raises NotImplementedError)") from None
    except Exception as exc:
        raise NoQueueAnswer(f"BoundedQueue(2, ctx=ctx) from {notebook} raised "
                            f"{type(exc).__name__}: {exc}") from None
    return cls

"""A quiz job: run each quiz answer cell in a fresh namespace and send back the value it
gave its variable, as a plain value (inside the sandbox; the grader compares it)."""
from __future__ import annotations

import threading

from autograder.deadlines import Deadline

MAX_ITEMS = 50
MAX_TEXT = 1_000
#: seconds (of machine share) one answer cell may run; the grader sends its own (c.TrustedScores.quiz_cell_deadline)
CELL_DEADLINE = 10.0
COLLECTIONS = (list, tuple, set, frozenset)


def plain(value):
    """``value`` as JSON-safe plain data (None, bool, int, float, str, or a short list of
    those), or raise TypeError: the grader never sees an object a student defined."""
    if value is None or type(value) in (bool, float):
        return value
    if type(value) is int:
        if abs(value) > 10 ** 100:
            raise TypeError("the number is too large")
        return value
    if type(value) is str:
        if len(value) > MAX_TEXT:
            raise TypeError("the text is too long")
        return value
    if type(value) in COLLECTIONS:
        items = sorted(value, key=repr) if type(value) in (set, frozenset) else list(value)
        if len(items) > MAX_ITEMS:
            raise TypeError("the collection is too long")
        if any(type(item) in COLLECTIONS for item in items):
            raise TypeError("nested collections are not an answer (use a letter, a number or a list of letters)")
        return [plain(item) for item in items]
    raise TypeError(f"a {type(value).__name__} is not an answer (use a letter, a number or a list of letters)")


def evaluate(source: str, name: str, deadline: float = CELL_DEADLINE) -> dict:
    namespace: dict = {"__name__": "__quiz__"}
    box: dict = {}

    def run():
        try:
            exec(compile(source, "<answer cell>", "exec"), namespace)
            box["value"] = namespace[name] if name in namespace else KeyError(name)
        except BaseException as exc:    # the answer's own error, reported as one line
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    clock = Deadline(deadline)
    while worker.is_alive() and not clock.expired():
        worker.join(clock.wait_step(0.05))
    if worker.is_alive():
        return {"error": f"the answer cell did not finish within {deadline:g} s"}
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, NotImplementedError):
            return {"error": "no answer yet: replace `raise NotImplementedError()` with your answer"}
        return {"error": f"the answer cell raised {type(exc).__name__}: {exc}"[:MAX_TEXT]}
    value = box["value"]
    if isinstance(value, KeyError):
        return {"error": f"the answer cell does not set {name} (write `{name} = ...`)"}
    if value is Ellipsis:
        return {"error": "no answer yet: replace the placeholder with your answer"}
    try:
        return {"value": plain(value)}
    except TypeError as exc:
        return {"error": str(exc)}


def run(payload: dict) -> dict:
    deadline = float(payload.get("cell_deadline", CELL_DEADLINE))
    return {"values": {cell["id"]: evaluate(cell["source"], cell["name"], deadline) for cell in payload["cells"]}}

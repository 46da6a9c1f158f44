"""The safe counter in one process, with the real ctx: the contract's arithmetic."""
from __future__ import annotations

from ..common import Stuck, call_with_deadline, not_int
from ..report import PropertyResult


def counts_in_one_process(SafeCounter) -> PropertyResult:
    name = "counts correctly in one process (initial value, increment by 1, n, 0 and negative n)"
    box = {}
    # (what the student would have typed, doing it, the value expected afterwards)
    steps = [
        ("SafeCounter()", lambda: box.update(c=SafeCounter()), 0),
        ("SafeCounter(5)", lambda: box.update(c=SafeCounter(5)), 5),
        ("increment()", lambda: box["c"].increment(), 6),
        ("increment(10)", lambda: box["c"].increment(10), 16),
        ("increment(0)", lambda: box["c"].increment(0), 16),
        ("increment(-20)", lambda: box["c"].increment(-20), -4),
    ]
    done = []
    for text, action, expected in steps:
        done.append(text)
        history = " then ".join(done)
        try:
            call_with_deadline(action)
            value = call_with_deadline(lambda: box["c"].value)
        except Stuck as exc:
            return PropertyResult(name, False, (
                f"{history}: {exc} in a single process. Does increment() or value take a lock "
                f"it already holds? A ctx.Lock is not re-entrant"))
        except Exception as exc:
            return PropertyResult(name, False, f"{history} raised {type(exc).__name__}: {exc}")
        problem = not_int(value, f"after {history}, value")
        if problem:
            return PropertyResult(name, False, problem)
        if value != expected:
            return PropertyResult(name, False, f"after {history}, value should be {expected}, but it is {value!r}")
    return PropertyResult(name, True)

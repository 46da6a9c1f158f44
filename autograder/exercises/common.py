"""Helpers the exercise checks share: which start methods to use, and describing scenarios."""
from __future__ import annotations

import multiprocessing
import threading

from ..realrun import Call
from ..report import PropertyResult

START_METHODS = ("fork", "spawn", "forkserver")


def start_methods() -> list[str]:
    """Every start method this platform has, in a fixed order (spawn only on Windows)."""
    available = multiprocessing.get_all_start_methods()
    return [m for m in START_METHODS if m in available]


def describe_calls(calls: list[list[Call]]) -> str:
    return "; ".join(f"P{i}: " + ", ".join(c.describe() for c in proc) for i, proc in enumerate(calls, 1))


class Stuck(Exception):
    """A call did not return in time (in one process: a lock taken twice, or an endless loop)."""


def call_with_deadline(fn, seconds: float = 5.0):
    """Run ``fn()`` in a daemon thread; raise Stuck if it has not returned after ``seconds``.

    The checker is a throwaway subprocess, so a thread left stuck there costs nothing."""
    box = {}

    def run():
        try:
            box["result"] = fn()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Stuck(f"did not return within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box.get("result")


def explored(title: str, scenario, runs) -> PropertyResult:
    """Explore ``scenario`` with each ``(strategy, seed, max_schedules, options)`` in turn.

    Seeds are fixed, so a verdict is the same on every grading run; the first failure is
    reported with its shrunk schedule as a step-by-step timeline."""
    from ..controlled import explore

    for strategy, seed, max_schedules, options in runs:
        result = explore(scenario, strategy=strategy, seed=seed, max_schedules=max_schedules, **options)
        if not result.ok:
            failure = result.failure
            replay = f"replay: strategy={failure.strategy}, seed={failure.seed}, schedule={failure.schedule}"
            return PropertyResult(title, False, failure.message, scenario.name,
                                  "\n".join(filter(None, [failure.timeline, failure.traceback, replay])),
                                  failure.seed)
    return PropertyResult(title, True)

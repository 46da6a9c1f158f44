"""What every kind of check shares: a deadline on each call the checks make in their own
process, and a student's results compared only as the grader's own ints."""
from __future__ import annotations

import threading

from autograder.deadlines import Deadline
from autograder.judge import type_name
from autograder.judge.links import abandon_requests_of
from .settings import active


class NotAnInt(AssertionError):
    """A student's method returned something other than an int where the contract says int.
    (An AssertionError, so a controlled scenario's check reports it as a failed check.)"""


def plain_int(value, what: str) -> int:
    """``value`` if it is exactly an int, else NotAnInt (see not_int)."""
    problem = not_int(value, what)
    if problem:
        raise NotAnInt(problem)
    return value


def not_int(value, what: str) -> str | None:
    """None if ``value`` is exactly an int (a bool or an int subclass is not: its ``==`` could
    say anything), else a sentence for the student. Checks compare a student's results only
    after this, so comparisons run on the grader's own types."""
    if type(value) is int:
        return None
    return f"{what} returned {value!r} (a {type_name(value)}), but it must return an int"


class Stuck(Exception):
    """A call did not return in time (in one process: a lock taken twice, or an endless loop)."""


def call_with_deadline(fn, seconds: float | None = None):
    """Run ``fn()`` in a daemon thread; raise Stuck if it has not returned after ``seconds``
    (default: one call's, c.Checks.call_deadline; of machine share: a busy machine stretches
    them, see autograder.deadlines).

    The checker is a throwaway subprocess, so a thread left stuck there costs nothing."""
    box = {}

    def run():
        try:
            box["result"] = fn()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    seconds = seconds or active().call_deadline
    clock = Deadline(seconds)
    while worker.is_alive() and not clock.expired():
        worker.join(clock.wait_step(0.05))
    if worker.is_alive():
        abandon_requests_of(worker)      # a worker stuck in the answer's code is killed, not waited for
        raise Stuck(f"did not return within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box.get("result")


def short(value) -> str:
    """``value`` for feedback: an int with thousands separators, shortened when wider than 12
    digits ("about 9.22e+18"); anything else as its repr, cut at 60 characters."""
    if type(value) is int:
        return f"{value:,}" if abs(value) < 10 ** 12 else f"about {value:.3g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def short_list(values, limit: int = 10) -> str:
    """At most ``limit`` items of ``values`` for feedback, then how many more there are."""
    values = list(values)
    shown = ", ".join(short(v) for v in values[:limit])
    more = len(values) - limit
    return f"[{shown}]" if more <= 0 else f"[{shown}, and {more:,} more]"


_WIDE = __import__("re").compile(r"(?<![\w.])-?\d{13,}(?![\w.])")
_NAMED = {2 ** 63 - 1: "2**63 - 1", -2 ** 63: "-2**63", 2 ** 63: "2**63", 2 ** 64 - 1: "2**64 - 1"}


def tame_numbers(text: str) -> str:
    """``text`` with every integer wider than 12 digits written short (``-2**63``, ``2**63 - 1``
    for the ends of the 64-bit range, else ``about 1.23e+15``): feedback never prints one."""
    def tame(match):
        value = int(match.group())
        return _NAMED.get(value) or f"about {value:.3g}"
    return _WIDE.sub(tame, text)

"""The checks' knobs, as a traitlets Configurable: set them in a course's nbgrader_config.py
(``c.Checks.seed = 7``, ``c.Checks.start_methods = ["fork", "spawn"]``).

The trusted grader (TrustedScores) reads them from the course's configuration and sends them
with every checks job, which makes them the job's settings for its whole run (:func:`use`);
everything in checks/ reads them through :func:`active`. A student's own check() in a
notebook uses the defaults.
"""
from __future__ import annotations

import contextlib
import multiprocessing

from traitlets import Float, Integer, List, Unicode, validate
from traitlets.config import Configurable

START_METHODS = ("fork", "spawn", "forkserver")


def _available_start_methods() -> list[str]:
    """Every start method this platform has, in a fixed order (spawn only on Windows)."""
    available = multiprocessing.get_all_start_methods()
    return [m for m in START_METHODS if m in available]


class Checks(Configurable):
    seed = Integer(0, help=(
        "The course's seed: added to the seed of every sampled search (PCT, random walks) of "
        "the controlled checks. A verdict is a function of the answer and this seed; change it "
        "to vary which sampled schedules every submission is tried on.")).tag(config=True)
    start_methods = List(Unicode(), default_value=_available_start_methods(), help=(
        "The start methods the real-process checks run under, in order (default: every one "
        "this platform has, of fork, spawn, forkserver).")).tag(config=True)
    call_deadline = Float(2.0, help=(
        "Seconds one call the checks make in their own process may take (a put, a transfer, "
        "reading a value).")).tag(config=True)
    constructor_deadline = Float(5.0, help="Seconds the answer's constructor may take.").tag(config=True)
    one_child_deadline = Float(15.0, help=(
        "Seconds a real run with one child process may take. It decides, so it is wide: a correct "
        "answer needs well under one, but a spawned child on a machine whose load just jumped gets "
        "little CPU before the load average, and so the machine share, catches up.")).tag(config=True)
    concurrent_deadline = Float(15.0, help=(
        "Seconds a real run of several processes at once may take (a correct answer needs a "
        "second or two); a run that does not finish is reported, not scored.")).tag(config=True)
    counting_deadline = Float(10.0, help=(
        "Seconds a real run of the safe counter's increments may take (a correct answer needs "
        "about one).")).tag(config=True)

    @validate("start_methods")
    def _known_methods(self, proposal):
        unknown = [m for m in proposal["value"] if m not in multiprocessing.get_all_start_methods()]
        if unknown:
            raise ValueError(f"c.Checks.start_methods: {', '.join(unknown)} not available here; "
                             f"choose from {', '.join(multiprocessing.get_all_start_methods())}")
        return proposal["value"]

    def to_dict(self) -> dict:
        """The settings as plain data, for a checks job's request."""
        return {name: getattr(self, name) for name in self.trait_names(config=True)}


_active = Checks()


def active() -> Checks:
    """The settings the checks run with now (the defaults unless a job installed its own)."""
    return _active


@contextlib.contextmanager
def use(settings: Checks):
    """Run the checks with ``settings`` inside the block (a checks job, for its whole run)."""
    global _active
    before, _active = _active, settings
    try:
        yield settings
    finally:
        _active = before

"""Sweep sizes for the contention lab.

* ``tiny``      for the test suite: a couple of seconds, every strategy, 1-3 processes.
* ``notebook``  what the lesson runs when ``NBGRADER_EXECUTION`` is set: well under 8 s of
                wall time on two cores, still 1 to 8 processes.
* ``full``      ``make bench``: every strategy at 1 to 8 processes (more on machines with
                more than 5 CPUs, so the sweep always passes the core count), 5 repeats,
                longer runs; about a minute or two on two cores.

A sweep has four parts, each a separate ``sweep`` value in the result rows:

``strategies``  every counting strategy, no extra work: the pure cost of synchronizing.
``placement``   the same total busy work per increment, split differently between inside
                and outside the critical section (work_inside, work_outside).
``waits``       a Lock with wait and hold time measured in each process (the timing calls
                add some overhead, so these rows are kept apart).
``queues``      N producers and one consumer, per message-passing strategy.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from autograder.environment import under_nbgrader

from .workers import COUNTER_STRATEGIES, QUEUE_STRATEGIES

__all__ = ["Preset", "PRESETS", "get_preset", "default_preset_name", "full_process_counts"]


@dataclass(frozen=True)
class Preset:
    name: str
    processes: tuple = (1, 2, 3, 4, 5, 6, 7, 8)
    strategies: tuple = COUNTER_STRATEGIES
    ops: int = 200_000           # increments per process per repeat
    warmup: int = 5_000          # untimed increments per process before the repeats
    repeats: int = 5
    batch: int = 64              # increments per lock hold for "batched"
    placement_strategies: tuple = ("lock",)
    placement_splits: tuple = ((0, 200), (100, 100), (200, 0))  # (inside, outside) spins
    placement_processes: tuple | None = None  # None: same as ``processes``
    placement_ops: int = 20_000
    wait_strategies: tuple = ("lock",)
    wait_processes: tuple = (1, 2, 4, 8)
    wait_work: tuple = (50, 50)  # (inside, outside) spins for the wait/hold runs
    wait_ops: int = 20_000
    queue_strategies: tuple = QUEUE_STRATEGIES
    queue_processes: tuple | None = None  # producers; None: same as ``processes``
    queue_items: int = 3_000     # items per producer per repeat
    queue_capacity: int = 64
    timeout: float = 60.0        # longest any single wait may take, in seconds

    def replace(self, **changes) -> "Preset":
        return dataclasses.replace(self, **changes)


def full_process_counts(cpus: int | None = None) -> tuple:
    """1 to 8 processes, extended well past the number of CPUs on bigger machines (the
    sweep goes beyond the core count on purpose: that is where contention shows)."""
    cpus = cpus or os.cpu_count() or 1
    top = max(8, cpus + max(2, cpus // 2))
    counts = set(range(1, 9))
    if top > 8:
        step = max(1, (top - 8) // 4)
        counts.update(range(8 + step, top, step))
        counts.add(top)
    return tuple(sorted(counts))


PRESETS = {
    "tiny": Preset(
        name="tiny",
        processes=(1, 2, 3),
        ops=400,
        warmup=50,
        repeats=2,
        batch=16,
        placement_splits=((0, 20), (20, 0)),
        placement_ops=200,
        wait_processes=(1, 2),
        wait_work=(10, 10),
        wait_ops=200,
        queue_processes=(1, 2),
        queue_items=200,
        queue_capacity=8,
        timeout=30.0,
    ),
    "notebook": Preset(
        name="notebook",
        processes=(1, 2, 4, 8),
        ops=20_000,
        warmup=1_000,
        repeats=3,
        batch=64,
        placement_splits=((0, 100), (100, 0)),
        placement_ops=6_000,
        wait_processes=(1, 2, 4, 8),
        wait_work=(50, 50),
        wait_ops=10_000,
        queue_processes=(1, 2, 4),
        queue_items=1_500,
        queue_capacity=64,
        timeout=30.0,
    ),
    "full": Preset(name="full", processes=full_process_counts()),
}


def default_preset_name() -> str:
    """``notebook`` when nbgrader executes the lesson, ``full`` otherwise."""
    return "notebook" if under_nbgrader() else "full"


def get_preset(preset=None, **changes) -> Preset:
    """A preset by name (or a :class:`Preset` as is), with optional field overrides."""
    if preset is None:
        preset = default_preset_name()
    if isinstance(preset, str):
        try:
            preset = PRESETS[preset]
        except KeyError:
            raise ValueError(f"unknown preset {preset!r}; choose from {sorted(PRESETS)}") from None
    if not isinstance(preset, Preset):
        raise TypeError(f"preset must be a name or a Preset, not {type(preset).__name__}")
    return preset.replace(**changes) if changes else preset

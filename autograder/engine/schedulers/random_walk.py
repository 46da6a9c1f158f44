"""Random walk: a uniform choice at every decision with two or more choices."""
from __future__ import annotations

import random

from .base import Scheduler

__all__ = ["RandomScheduler"]


class RandomScheduler(Scheduler):
    name = "random"

    def __init__(self, seed=0):
        self.seed = seed
        self.rng = random.Random(seed)     # one stream for the whole exploration

    def new_execution(self):
        return True

    def next(self, runnable, current):
        if len(runnable) == 1:
            return runnable[0]
        return runnable[int(self.rng.random() * len(runnable))]

    def coverage(self, result):
        return f"{result.schedules_run:,} random schedules: not exhaustive"

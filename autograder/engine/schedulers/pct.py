"""PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
ASPLOS 2010): each execution gives the processes random distinct priorities and picks
``depth - 1`` change points among the first ``k`` choices; the highest-priority runnable
process always runs, and at change point i the running process drops to priority i.
A bug of depth d is found by one execution with probability at least 1 / (n k^(d-1)).
"""
from __future__ import annotations

import random

from .base import Scheduler

__all__ = ["PCTScheduler"]


class PCTScheduler(Scheduler):
    name = "pct"

    def __init__(self, seed=0, nprocs=2, depth=3):
        self.seed = seed
        self.rng = random.Random(seed)     # priorities and change points
        # the clock's priority comes from a stream of its own, so that scenarios without
        # timed waits explore exactly as they did before time was a choice
        self.clock_rng = random.Random(f"pct-clock-{seed}")
        self.n = max(nprocs, 1)
        self.depth = max(1, depth)
        self.k = 10 * self.n               # choices per execution: the largest seen so far
        self.priority = []                 # per pid (index 0: the clock) in this execution
        self.change = {}                   # choice number -> priority the runner drops to
        self.choices = 0                   # choices made in this execution so far

    def new_execution(self):
        self.k = max(self.k, self.choices)
        d = self.depth
        prios = list(range(d, d + self.n))
        self.rng.shuffle(prios)
        self.change = {}
        for i in range(1, d):
            self.change[self.rng.randint(1, self.k)] = i
        self.priority = [self.clock_rng.uniform(0, d + self.n)] + prios
        self.choices = 0
        return True

    def next(self, runnable, current):
        if len(runnable) == 1:
            return runnable[0]
        self.choices += 1
        pr = self.priority
        drop = self.change.get(self.choices)
        if drop is not None and current is not None:
            pr[current.pid] = drop
        best = runnable[0]
        best_priority = pr[best.pid]
        for p in runnable:
            if pr[p.pid] > best_priority:
                best, best_priority = p, pr[p.pid]
        return best

    def coverage(self, result):
        return (f"{result.schedules_run:,} sampled schedules (PCT, depth {self.depth}, each finding a bug "
                f"of that depth with probability >= 1/{1 / self.bound():,.0f}): not exhaustive")

    def bound(self):
        """The probability bound for one execution: 1 / (n k^(depth-1))."""
        return 1.0 / (self.n * self.k ** (self.depth - 1))


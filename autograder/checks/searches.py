"""The searches a controlled property runs on a scenario, one object per exploration.

A Plan (checks.controlled) lists them in order, e.g. ``[Dpor(), Bounded(2, 2_000),
RandomWalk(1, 300)]``: the first that fails decides; one that explores every distinct
interleaving ends the plan (its pass is a proof for that scenario). Each search builds a
fresh engine Scheduler, runs at most ``budget`` executions and is seeded (a sampled search's
own seed plus the course's, c.Checks.seed), so a verdict is the same on every grading run;
its result's ``coverage`` says what it covered (Scheduler.coverage).
"""
from __future__ import annotations

from dataclasses import dataclass

import autograder.engine as engine
from autograder.engine import DFSScheduler, DPORScheduler, PCTScheduler, RandomScheduler, Scheduler
from .settings import active

__all__ = ["Search", "Dpor", "Bounded", "Pct", "RandomWalk", "Custom"]


class Search:
    """One exploration of a scenario: :meth:`scheduler` builds its engine Scheduler, and it
    runs at most ``budget`` executions (a subclass gives both)."""

    budget: int
    shrink = True        # shrink a failing schedule before it is told

    def scheduler(self, processes: int) -> Scheduler:
        """A fresh scheduler for a scenario of ``processes`` processes."""
        raise NotImplementedError

    def explore(self, scenario: engine.Scenario) -> engine.ExploreResult:
        # engine.explore looked up on each call, so that a benchmark that wraps it sees every search
        return engine.explore(scenario, self.scheduler(len(scenario.processes)),
                              seed=self.drawn_seed(),
                              max_schedules=self.budget, shrink=self.shrink)

    def drawn_seed(self) -> int:
        """The seed a sampled search draws its schedules from: its own plus the course's
        (0 for a search that draws nothing at random)."""
        own = getattr(self, "seed", None)
        return 0 if own is None else own + active().seed


@dataclass(frozen=True)
class Dpor(Search):
    """Every distinct interleaving (partial-order reduction) if there are at most ``budget``;
    put it first: the plan's other searches run only when it does not finish."""

    budget: int = 2_000

    def scheduler(self, processes):
        return DPORScheduler()


@dataclass(frozen=True)
class Bounded(Search):
    """Every schedule with at most ``preemptions`` preemptions, fewest first (CHESS), up to
    ``budget`` schedules."""

    preemptions: int
    budget: int

    def scheduler(self, processes):
        return DFSScheduler(self.preemptions)


@dataclass(frozen=True)
class Pct(Search):
    """``runs`` schedules sampled by PCT with bug depth ``depth``."""

    seed: int
    runs: int
    depth: int = 3

    @property
    def budget(self):
        return self.runs

    def scheduler(self, processes):
        return PCTScheduler(self.drawn_seed(), processes, self.depth)


@dataclass(frozen=True)
class RandomWalk(Search):
    """``runs`` schedules, each choice uniform at random."""

    seed: int
    runs: int

    @property
    def budget(self):
        return self.runs

    def scheduler(self, processes):
        return RandomScheduler(self.drawn_seed())


@dataclass(frozen=True)
class Custom(Search):
    """A check's own engine Scheduler, for ``budget`` executions. The search uses that one
    instance (a plan is built afresh for every search of its property), so the scenario's
    check may read what the scheduler saw."""

    engine_scheduler: Scheduler
    budget: int = 1
    shrink: bool = True

    def scheduler(self, processes):
        return self.engine_scheduler

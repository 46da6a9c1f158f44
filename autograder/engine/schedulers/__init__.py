"""Scheduling strategies, one module each, behind one protocol (:class:`Scheduler`).

``make_scheduler(name, ...)`` builds one from the names ``explore`` accepts:

=============  ==========================================================================
``random``     :class:`RandomScheduler`: a uniform choice at every decision (seeded)
``pct``        :class:`PCTScheduler`: probabilistic concurrency testing, bug depth ``depth``
``exhaustive`` :class:`DFSScheduler`: depth-first with at most ``max_preemptions`` preemptions
``dfs``        the same (its own name)
``dpor``       :class:`DPORScheduler`: optimal dynamic
               partial-order reduction, one execution per class, complete when it ends
``replay``     :class:`ReplayScheduler`: one execution along a given schedule
(not a name)   :class:`StepScheduler`: one execution along a schedule of steps (a timeline's
               process column), as students write one
=============  ==========================================================================
"""
from __future__ import annotations

from .base import Scheduler
from .dfs import DFSScheduler
from .dpor import DPORScheduler
from .pct import PCTScheduler
from .random_walk import RandomScheduler
from .replay import ReplayScheduler
from .steps import StepScheduler

__all__ = ["Scheduler", "RandomScheduler", "PCTScheduler", "DFSScheduler", "DPORScheduler",
           "ReplayScheduler", "StepScheduler", "make_scheduler", "STRATEGIES"]

#: how explore() builds a scheduler from a strategy name ("exhaustive" is the bounded DFS's
#: historic name)
_BUILDERS = {
    "random": lambda seed, nprocs, depth, max_preemptions: RandomScheduler(seed),
    "pct": lambda seed, nprocs, depth, max_preemptions: PCTScheduler(seed, nprocs, depth),
    "exhaustive": lambda seed, nprocs, depth, max_preemptions: DFSScheduler(max_preemptions),
    "dfs": lambda seed, nprocs, depth, max_preemptions: DFSScheduler(max_preemptions),
    "dpor": lambda seed, nprocs, depth, max_preemptions: DPORScheduler(),
}
STRATEGIES = tuple(_BUILDERS)


def make_scheduler(strategy, seed=0, nprocs=2, *, depth=3, max_preemptions=2) -> Scheduler:
    """The scheduler named ``strategy`` (see the module's table)."""
    build = _BUILDERS.get(strategy)
    if build is None:
        raise ValueError(f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)} "
                         f"or a Scheduler")
    return build(seed, nprocs, depth, max_preemptions)

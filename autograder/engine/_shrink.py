"""Shrinking a failing schedule: fewer preemptions first, then fewer choices."""
from __future__ import annotations

from .schedulers.replay import canonical, preemptions

__all__ = ["shrink"]


def _candidates(schedule, nodes):
    """Schedules to try instead of ``schedule`` (whose run met ``nodes``), simplest first."""
    n = min(len(schedule), len(nodes))
    # drop a preemption (let the current process go on) - the last ones first
    for i in range(n - 1, -1, -1):
        _, current_pid, chosen = nodes[i]
        if current_pid is not None and chosen != current_pid:
            yield schedule[:i] + [current_pid] + schedule[i + 1:]
    # delete one choice
    for i in range(len(schedule) - 1, -1, -1):
        yield schedule[:i] + schedule[i + 1:]
    # move a preemption earlier (delete the choices just before it)
    for i in range(n - 1, 0, -1):
        _, current_pid, chosen = nodes[i]
        if current_pid is not None and chosen != current_pid:
            for j in range(i - 2, -1, -1):
                yield schedule[:j] + schedule[i:]
    # truncate
    for k in range(len(schedule)):
        yield schedule[:k]


#: the most steps all the replays of one shrink may take together. A replay costs what its
#: schedule is long: 300 replays of a usual failure (tens of steps) take a few thousand steps,
#: but a failure after a busy-wait in virtual time (a loop of sleep(0.001) for a second: 5,000
#: steps) would take 1.5 million, about two minutes of one answer's checks, to shave a few.
MAX_STEPS = 100_000


def shrink(nodes, signature, replay, max_runs=300, max_steps=MAX_STEPS):
    """Greedy: keep a simpler schedule whenever ``replay(schedule)`` -> (outcome, nodes)
    still fails with the same ``signature``; returns the shrunk canonical schedule.  Bounded
    by a number of replays and by the steps they take together (``max_steps``), never by
    wall time, so the same failure always shrinks the same."""
    best = canonical(nodes)
    best_cost = (preemptions(nodes), len(best))
    best_nodes = nodes
    runs = steps = 0
    improved = True
    while improved and runs < max_runs and steps < max_steps:
        improved = False
        tried = set()
        for candidate in _candidates(best, best_nodes):
            key = tuple(candidate)
            if key in tried:
                continue
            tried.add(key)
            if runs >= max_runs or steps >= max_steps:
                break
            runs += 1
            out, got = replay(candidate)
            steps += len(got)
            if out.kind is None or out.signature != signature:
                continue
            schedule = canonical(got)
            cost = (preemptions(got), len(schedule))
            if cost < best_cost:
                best, best_cost, best_nodes = schedule, cost, got
                improved = True
                break
    return best

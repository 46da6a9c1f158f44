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


def shrink(nodes, signature, replay, max_runs=300):
    """Greedy: keep a simpler schedule whenever ``replay(schedule)`` -> (outcome, nodes)
    still fails with the same ``signature``; returns the shrunk canonical schedule.  Bounded
    by a number of replays, not by wall time, so the same failure always shrinks the same."""
    best = canonical(nodes)
    best_cost = (preemptions(nodes), len(best))
    best_nodes = nodes
    runs = 0
    improved = True
    while improved and runs < max_runs:
        improved = False
        tried = set()
        for candidate in _candidates(best, best_nodes):
            key = tuple(candidate)
            if key in tried:
                continue
            tried.add(key)
            if runs >= max_runs:
                break
            runs += 1
            out, got = replay(candidate)
            if out.kind is None or out.signature != signature:
                continue
            schedule = canonical(got)
            cost = (preemptions(got), len(schedule))
            if cost < best_cost:
                best, best_cost, best_nodes = schedule, cost, got
                improved = True
                break
    return best

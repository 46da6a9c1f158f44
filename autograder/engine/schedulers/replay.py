"""Replay: follow a recorded schedule, then the default (keep the current process running
if it can, else the lowest pid).  Replay is just another scheduler."""
from __future__ import annotations

from .base import OneExecution

__all__ = ["ReplayScheduler", "Follow", "default_choice", "canonical", "preemptions"]


def default_choice(pids, current_pid):
    """What an empty schedule chooses: the current process if runnable, else the lowest pid."""
    return current_pid if current_pid is not None else pids[0]


class Follow:
    """Chooses ``prefix[i]`` at the i-th decision with several choices (when runnable),
    the default otherwise, and records every such decision in ``nodes``."""

    __slots__ = ("prefix", "nodes")

    def __init__(self, prefix):
        self.prefix = prefix     # pids, one per decision with several choices
        self.nodes = []          # (runnable pids, current pid if runnable else None, chosen pid)

    def __call__(self, runnable, current):
        if len(runnable) == 1:
            return runnable[0]
        i = len(self.nodes)
        chosen = None
        if i < len(self.prefix):
            want = self.prefix[i]
            for p in runnable:
                if p.pid == want:
                    chosen = p
                    break
        current_pid = current.pid if current is not None and current in runnable else None
        if chosen is None:
            chosen = current if current_pid is not None else runnable[0]
        self.nodes.append((tuple(p.pid for p in runnable), current_pid, chosen.pid))
        return chosen


def canonical(nodes):
    """The executed schedule without trailing choices that the default makes anyway."""
    schedule = [chosen for _, _, chosen in nodes]
    k = len(schedule)
    while k and schedule[k - 1] == default_choice(nodes[k - 1][0], nodes[k - 1][1]):
        k -= 1
    return schedule[:k]


def preemptions(nodes):
    """Choices that switched away from a process that could have gone on."""
    return sum(1 for _, current_pid, chosen in nodes
               if current_pid is not None and chosen != current_pid)


class ReplayScheduler(OneExecution):
    """One execution along ``schedule``; ``nodes`` records what it met."""

    name = "replay"

    def __init__(self, schedule=()):
        self.follow = Follow(list(schedule))

    @property
    def nodes(self):
        return self.follow.nodes

    def next(self, runnable, current):
        return self.follow(runnable, current)

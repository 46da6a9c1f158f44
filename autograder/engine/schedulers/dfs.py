"""Depth-first search over the choices with iterative preemption bounding (as in CHESS,
Musuvathi and Qadeer, PLDI 2007): first every schedule with 0 preemptions, then with at
most 1, ... up to ``max_preemptions``, so the bugs that need the fewest preemptions are
found first.  A preemption is choosing anything but a process that could go on (the
clock included).  Stateless: each execution replays a forced prefix from the start."""
from __future__ import annotations

from .base import Scheduler
from .replay import Follow, default_choice

__all__ = ["DFSScheduler"]


class DFSScheduler(Scheduler):
    name = "exhaustive"

    def __init__(self, max_preemptions=2):
        self.max_bound = max(0, max_preemptions)
        self.bound = 0           # preemptions allowed in the current round
        # per choice of the current path: [options (default first), index tried,
        # preemptions before it, whether the current process could go on there]
        self.stack = []
        self.follow = None       # the execution in progress
        self.pruned = False      # this round skipped some schedule because of the bound
        self._exhausted = False

    @property
    def exhausted(self):
        return self._exhausted

    @property
    def complete(self):
        return self._exhausted and not self.pruned

    def coverage(self, result):
        n = result.schedules_run
        if result.complete:
            return f"every possible schedule explored ({n:,} schedules)"
        bound = f"at most {self.max_bound} preemption{'s' if self.max_bound != 1 else ''}"
        if result.exhausted:
            return f"every schedule with {bound} ({n:,} schedules)"
        return f"{n:,} schedules with {bound}, fewest preemptions first: not exhaustive"

    def new_execution(self):
        if self.follow is not None:
            self._extend_stack()
            prefix = self._backtrack()
            while prefix is None:
                if self.bound >= self.max_bound or not self.pruned:
                    # the last bound was the largest, or it cut nothing: a larger one
                    # would only run the same schedules again
                    self._exhausted = True
                    return False
                self.bound += 1      # next round: start again with a larger bound
                self.stack = []
                self.pruned = False
                prefix = []
        else:
            prefix = []
        self.follow = Follow(prefix)
        return True

    def next(self, runnable, current):
        return self.follow(runnable, current)

    def _extend_stack(self):
        """Add the choices the last execution made beyond its forced prefix."""
        nodes = self.follow.nodes
        stack = self.stack[:len(self.follow.prefix)]
        pre = 0
        for j, (pids, current_pid, chosen) in enumerate(nodes):
            if j >= len(stack):
                default = default_choice(pids, current_pid)
                options = [default] + [p for p in pids if p != default]
                stack.append([options, options.index(chosen), pre, current_pid is not None])
            if current_pid is not None and chosen != current_pid:
                pre += 1
        self.stack = stack[:len(nodes)]

    def _backtrack(self):
        stack = self.stack
        while stack:
            options, idx, pre, could_go_on = stack[-1]
            if idx + 1 < len(options):
                if could_go_on and pre + 1 > self.bound:
                    self.pruned = True
                else:
                    stack[-1][1] = idx + 1
                    return [node[0][node[1]] for node in stack]
            stack.pop()
        return None


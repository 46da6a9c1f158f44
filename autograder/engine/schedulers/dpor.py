"""Dynamic partial-order reduction: Flanagan and Godefroid, "Dynamic partial-order reduction
for model checking software", POPL 2005, with sleep sets (Godefroid 1996).

Two interleavings that differ only in the order of independent transitions (touching no
common key, or only reading it) reach the same state; DPOR runs one of each class.  After
every execution it looks, at each state along it, at each process's next transition: if
the last transition it depends on came from another process and does not happen before
it, the two race, and the state before that transition gets a *backtrack* choice that
reverses them.  Sleep sets stop an execution as soon as it can only repeat an explored
class (it is abandoned, not checked).  When no backtrack choice is left, every distinct
interleaving has been explored: :attr:`complete`.

Dependence comes from the accesses the engine records (``Proc.pending``/``Proc.did``):
two transitions are dependent when they are by the same process, or touch a key in common
and do not both only read it; a lock's take and give are dependent but never race
(Flanagan and Godefroid's "may be co-enabled").  The clock (pid 0) is a process too: its transitions write the
clock and the primitives whose waits they time out, and every timed operation reads the
clock, so a timeout's expiry is reordered against exactly what it can affect.
"""
from __future__ import annotations

from .._sim import CLOCK, GIVE, TAKE, WRITE
from .base import Scheduler

__all__ = ["DPORScheduler"]

_TAKE_GIVE = frozenset((TAKE, GIVE))
_TICK = ((CLOCK, WRITE),)          # the least a clock transition does


def _independent(a, b):
    for key, mode in a:
        for key2, mode2 in b:
            if key == key2 and (mode or mode2):
                return False
    return True


def _can_race(mode, mode2):
    """Dependent accesses to one key that may be enabled together (a lock's give enables
    its take: they are never both possible)."""
    return (mode or mode2) and {mode, mode2} != _TAKE_GIVE


def _join(clock, other):
    for q, n in other.items():
        if clock.get(q, 0) < n:
            clock[q] = n


class _Node:
    """One state along the current path, and what DPOR knows about it."""

    __slots__ = ("options", "pending", "chosen", "did", "backtrack", "done", "sleep")

    def __init__(self, options, pending, sleep):
        self.options = options     # pids that could run from here (the clock as 0), as offered
        self.pending = pending     # pid -> accesses of each live process's next transition
        #                            (blocked ones included) and of the clock (pid 0)
        self.chosen = None         # pid run from here in the current execution
        self.did = None            # accesses of that transition, once it has ended
        self.backtrack = set()     # pids some execution must run from here
        self.done = {}             # pid -> accesses of its transition from here, once explored
        self.sleep = sleep         # pid -> accesses: explored elsewhere, and no transition
        #                            since this state's ancestor has been dependent on them


class DPORScheduler(Scheduler):
    name = "dpor"
    records_accesses = True

    def __init__(self):
        self.path = []             # _Node per decision of the current execution
        self.prefix = []           # pids to replay before exploring a new choice
        # happens-before bookkeeping of the steps along the path analysed so far:
        self.steps = []            # per step: (pid, its count within pid, its vector clock)
        self.history = {}          # key -> [(step, pid, mode)] in execution order
        self.last_step = {}        # pid -> its last step
        self.depth = 0             # decisions made in the execution in progress
        self.procs = {}            # pid -> Proc of the execution in progress
        self.last = None           # the Proc chosen at the previous decision
        self.executions = 0        # executions run
        self.explored = 0          # ... that ran to their end: distinct interleavings
        self.abandoned = 0         # ... stopped by their sleep set (equivalent to explored ones)
        self.diverged = False      # a replayed prefix did not repeat: the scenario is not
        #                            deterministic, so no completeness is claimed
        self._stopped = False      # the execution in progress was abandoned
        self._exhausted = False

    # ---------------------------------------------------------------- protocol
    @property
    def exhausted(self):
        return self._exhausted

    @property
    def complete(self):
        return self._exhausted and not self.diverged

    def coverage(self, result):
        if result.complete:
            return super().coverage(result)          # all N distinct interleavings explored
        return f"{result.interleavings:,} distinct interleavings explored: not all of them"

    def new_execution(self):
        if self.executions:
            self._end_execution()
            self._add_backtracks()
            if not self._next_branch():
                self._exhausted = True
                return False
        self.executions += 1
        self.depth = 0
        self.procs = {}
        self.last = None
        self._stopped = False
        return True

    def next(self, runnable, current):
        d = self.depth
        if d == 0:
            self.procs = {p.pid: p for p in runnable if p.pid}
        else:
            self._transition_ended(self.path[d - 1])
        options = [p.pid for p in runnable]
        pending = {pid: p.pending for pid, p in self.procs.items() if not p.finished}
        # the clock too, even while no wait has a deadline: a timed wait may come first
        pending[0] = runnable[-1].pending if not runnable[-1].pid else _TICK
        if d < len(self.prefix):               # replaying: the state must be the same one
            node = self.path[d]
            if node.options != options:
                self.diverged = True
            node.options, node.pending = options, pending
            want = self.prefix[d]
        else:
            sleep = self._sleep_after(self.path[d - 1]) if d else {}
            node = _Node(options, pending, sleep)
            self.path.append(node)
            want = None
        chosen = None
        for p in runnable:
            if p.pid == want:
                chosen = p
                break
        if chosen is None:
            if want is not None:
                self.diverged = True
            awake = [p for p in runnable if p.pid not in node.sleep]
            if not awake:                       # only explored classes can follow
                self._stopped = True
                return None
            chosen = current if current in awake else awake[0]
            node.backtrack.add(chosen.pid)
        node.chosen = chosen.pid
        self.last = chosen
        self.depth = d + 1
        return chosen

    # ---------------------------------------------------------------- bookkeeping
    def _transition_ended(self, node):
        node.did = self.last.did
        node.done[node.chosen] = node.did

    def _end_execution(self):
        if self.depth:
            self._transition_ended(self.path[self.depth - 1])
        del self.path[self.depth + (1 if self._stopped else 0):]
        if self._stopped:
            self.abandoned += 1
        else:
            self.explored += 1

    def _sleep_after(self, prev):
        """The sleep set of the state reached from ``prev`` by its chosen transition."""
        did = prev.did
        sleep = {}
        for asleep in (prev.sleep, prev.done):
            for pid, accesses in asleep.items():
                if pid != prev.chosen and _independent(accesses, did):
                    sleep[pid] = accesses
        return sleep

    # ---------------------------------------------------------------- races
    def _add_backtracks(self):
        """Flanagan-Godefroid: for every state and every process's next transition there,
        the latest transition that races with it (dependent, may be enabled together with
        it, and not happening before it) must be tried the other way round: the state
        before that transition gets a backtrack choice.

        Steps up to the branch point keep their happens-before bookkeeping from earlier
        executions, and the states before it were analysed then, from the same steps and
        next transitions: only the new part of the path is looked at."""
        path, steps, history = self.path, self.steps, self.history
        for d in range(len(steps), len(path)):
            node = path[d]
            for pid, accesses in node.pending.items():
                if pid == node.chosen and node.did is not None:
                    accesses = accesses + node.did      # what it really did from here
                mine = self._clock_of(pid)
                i = self._race(accesses, mine, history, steps)
                if i is not None:
                    self._backtrack_before(i, pid, mine)
            if node.chosen is None or node.did is None:
                break
            pid = node.chosen
            clock = dict(self._clock_of(pid))
            for key, mode in node.did:
                for j in self._ordered_before(history.get(key, ()), mode):
                    _join(clock, steps[j][2])
            count = clock.get(pid, 0) + 1
            clock[pid] = count
            steps.append((pid, count, clock))
            self.last_step[pid] = d
            for key, mode in node.did:
                history.setdefault(key, []).append((d, pid, mode))

    def _clock_of(self, pid):
        """The vector clock of ``pid``'s last step (what happened before its next one)."""
        d = self.last_step.get(pid)
        return self.steps[d][2] if d is not None else {}

    def _steps_of(self, pid, upto):
        """How many steps ``pid`` made up to and including step ``upto``."""
        for d in range(upto, -1, -1):
            if self.steps[d][0] == pid:
                return self.steps[d][1]
        return 0

    def _backtrack_before(self, i, pid, mine):
        """Try ``pid`` at the state before step ``i`` if it could run there; else a process
        that could, and whose later steps lead to ``pid``'s transition; else everything
        that could."""
        before = self.path[i]
        if pid in before.options:
            before.backtrack.add(pid)
            return
        for q in before.options:
            if mine.get(q, 0) > self._steps_of(q, i):
                before.backtrack.add(q)
                return
        before.backtrack.update(before.options)

    def _truncate(self, d):
        """Forget the steps from ``d`` on (the path is about to leave them)."""
        del self.steps[d:]
        for entries in self.history.values():
            while entries and entries[-1][0] >= d:
                entries.pop()
        self.last_step = {}
        for j, (pid, _, _) in enumerate(self.steps):
            self.last_step[pid] = j

    @staticmethod
    def _ordered_before(entries, write):
        """The earlier steps on one key that a new access must follow: the last write, and
        for a write also the reads since (earlier ones are ordered before those)."""
        for d, pid, w in reversed(entries):
            if w or write:
                yield d
            if w:
                return

    @staticmethod
    def _race(accesses, mine, history, steps):
        """The latest step that races with ``accesses``: dependent, possibly enabled
        together with it (not a take and a give), and not happening before the process
        whose vector clock is ``mine``.  None if none."""
        best = None
        for key, mode in accesses:
            for d, pid, m in reversed(history.get(key, ())):
                if best is not None and d <= best:
                    break
                if not (m or mode):
                    continue                    # two reads commute
                count = steps[d][1]
                if mine.get(pid, 0) < count:     # not ordered before it
                    if _can_race(m, mode):
                        best = d
                        break
                elif m:
                    break                       # everything earlier is ordered before this
        return best

    def _next_branch(self):
        """Set up the deepest state with a backtrack choice still to run.  False: none."""
        for d in range(len(self.path) - 1, -1, -1):
            node = self.path[d]
            todo = [pid for pid in node.options
                    if pid in node.backtrack and pid not in node.done and pid not in node.sleep]
            if todo:
                del self.path[d + 1:]
                self._truncate(d)
                node.chosen, node.did = todo[0], None
                self.prefix = [n.chosen for n in self.path]
                return True
        return False


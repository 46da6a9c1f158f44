"""Optimal dynamic partial-order reduction: source sets and wakeup trees (Abdulla, Aronis,
Jonsson and Sagonas, "Source Sets: A Foundation for Optimal Dynamic Partial Order
Reduction", JACM 64(4), 2017, Algorithm 2 "Optimal-DPOR").

Two interleavings that differ only in the order of independent transitions (touching no
common key, or only reading it) reach the same state; this scheduler runs exactly one
execution of each class (of maximal executions), and none that its sleep sets cut short
(in theory: the additions below may leave a few).  After each execution it finds every *race*: two
dependent transitions of different processes, the first happening immediately before the
second.  For each, the sequence ``v`` that reverses it (the transitions after the first
that do not depend on it, then the second) is inserted in the *wakeup tree* of the state
before the first, unless a process asleep there could start ``v`` (that class was
explored) or the tree already holds an equivalent start.  The next execution follows the
leftmost unexplored branch of the deepest tree; each explored branch's first process goes
to sleep in its state.  When no tree has a branch left, every class has been explored:
:attr:`complete`.

What this engine adds to the paper's model:

* **Locks** (take/give accesses): an untimed acquire is enabled only while its lock is
  free, as a pthread mutex lock in Nidhugg, so a process never "tries and blocks" in the
  middle of an execution.  A lock's acquire races with the previous acquire of that lock
  (the release in between does not order them: reversing the race runs the second
  critical section first).  Only when every process left is waiting for a lock do they
  try (and block): the execution ends in a deadlock, whose failed acquires race with the
  acquires that took the locks, so every order leading to it is explored.  A process a
  release wakes declares a take it may not make (a notified Condition waiter acquires at
  its next step): after it, the lock's holder is unknown, taken to be nobody (at worst an
  acquire then fails, which changes nothing and is no event).
* **Enabling**: a transition that makes another process runnable or not (the clock waking
  a sleeper; a sleep making the clock a choice; the clock's fairness bound) is ordered
  before that process's next transition, like a release before an acquire: dependent,
  never a race (the second could not run first).  A transition that disables a process
  (e.g. wakes the one whose timeout the clock would have ended) races with that
  process's pending transition, which never ran.
* **The clock** (pid 0) is a process like the others (see ``dpor.py``).
* **Fairness**: the engine withholds the clock once it has passed over a runnable process
  twice.  A wakeup branch that wants the clock then runs that process first.
* A replay that does not repeat (the scenario is not deterministic) clears
  :attr:`complete`, as does a wakeup branch whose process cannot run when followed.
"""
from __future__ import annotations

from .._sim import CLOCK, FAIR_JUMPS, GIVE, TAKE, WRITE
from .base import Scheduler

__all__ = ["DPORScheduler"]

_TICK = ((CLOCK, WRITE),)          # the least a clock transition does
_PROC = "runnable"                 # (_PROC, pid): what changes pid's runnability gives it, and
#                                    each transition of pid takes it: ordered, never a race


def _conflict(a, b):
    for key, mode in a:
        for key2, mode2 in b:
            if key == key2 and (mode or mode2):
                return True
    return False


class _Branch:
    """A node of a wakeup tree: run ``pid`` (whose transition makes ``accesses``), then the
    ``children`` in order (the first one is explored first)."""

    __slots__ = ("pid", "accesses", "children")

    def __init__(self, pid, accesses, children=None):
        self.pid = pid
        self.accesses = accesses
        self.children = [] if children is None else children


class _Node:
    """One state along the current path, and what the search knows about it."""

    __slots__ = ("options", "pending", "sleep", "wut", "branch", "did", "blocked", "forced",
                 "disabled", "resumed", "due")

    def __init__(self, options, pending, sleep, wut):
        self.options = options     # pids the engine offered here (the clock as 0)
        self.pending = pending     # pid -> accesses of its next transition (live ones, clock)
        self.sleep = sleep         # pid -> accesses: its transition from here is explored
        #                            (from here or an ancestor) and nothing since conflicts
        self.wut = wut             # wakeup tree: _Branch list, the one being run first
        self.branch = None         # the _Branch run from here in the current execution
        self.did = None            # accesses of that transition, once it has ended
        self.blocked = False       # it was an acquire that found its lock held
        self.forced = False        # every process left waits for a lock: not a choice
        self.disabled = ()         # pids that could run here and not after the transition
        self.resumed = False       # the transition resumes a process a release woke up
        self.due = ()              # pids whose timed waits end if the clock moves from here


def _weak_initial(pid, accesses, seq):
    """Can ``pid`` go first in a reordering of ``seq`` (a list of (pid, accesses))?  Its
    first transition in ``seq`` conflicts with nothing before it; if it has none there,
    ``accesses`` (its next transition) conflicts with nothing in ``seq``."""
    seen = {}                      # key -> whether something before writes it
    for p, acc in seq:
        if p == pid:
            accesses = acc
            break
        for key, mode in acc:
            seen[key] = seen.get(key, False) or bool(mode)
    else:
        if accesses is None:       # a transition not run yet: assume it conflicts
            return not seen
    for key, mode in accesses:
        if key in seen and (mode or seen[key]):
            return False
    return True


def _without(seq, pid):
    for i, (p, _) in enumerate(seq):
        if p == pid:
            return seq[:i] + seq[i + 1:]
    return seq


def _insert(seq, children):
    """Insert the wakeup sequence ``seq`` into a wakeup tree (``children`` of its root),
    unless a branch already starts with an equivalent of it (JACM'17, section 6.2)."""
    while True:
        for b in children:
            if _weak_initial(b.pid, b.accesses, seq):
                seq = _without(seq, b.pid)
                children = b.children
                if not children:
                    return False           # a leaf: exploring it covers seq
                break
        else:
            for pid, acc in seq:
                b = _Branch(pid, acc)
                children.append(b)
                children = b.children
            return True


class DPORScheduler(Scheduler):
    name = "dpor"
    records_accesses = True

    def __init__(self):
        self.path = []             # _Node per decision of the current execution
        self.replay = 0            # decisions to repeat from self.path before new ones
        self.procs = {}            # pid -> Proc of the execution in progress
        self.depth = 0             # decisions made in the execution in progress
        self.last = None           # the Proc chosen at the previous decision
        self.held = {}             # lock key -> pid holding it (untimed takes seen so far)
        # happens-before of the events analysed so far (the path's first self.analysed):
        self.analysed = 0
        self.clocks = []           # per event: (pid, its count within pid, vector clock)
        self.history = {}          # key -> [(event, pid, mode, where the last write is)]
        self.last_of = {}          # pid -> its last event
        self.executions = 0        # executions run
        self.explored = 0          # ... that ran to their end: one per class
        self.abandoned = 0         # ... cut short by their sleep set (none, in theory)
        self.races = 0             # races found (reversals considered)
        self.diverged = False      # a replay did not repeat, or a branch could not be run
        self._stopped = False
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
            self._analyse()
            if not self._next_branch():
                self._exhausted = True
                return False
        self.executions += 1
        self.depth = 0
        self.procs = {}
        self.held = {}
        self.last = None
        self._stopped = False
        return True

    def next(self, runnable, current):
        d = self.depth
        if d == 0:
            self.procs = {p.pid: p for p in runnable if p.pid}
        else:
            self._transition_ended(self.path[d - 1], runnable, repeated=d < self.replay)
        node, want = self._node_at(d, runnable)
        chosen = None
        if want is not None:
            chosen = next((p for p in runnable if p.pid == want), None)
            if chosen is None and want == 0:
                chosen = self._fair_first(node, runnable)
            if chosen is None:                 # the branch cannot be followed here
                self.diverged = True
                node.wut[:] = [b for b in node.wut if b.pid != want]
        if chosen is None or d >= self.replay:
            enabled = [p for p in runnable if not p.pid or not self._waits_for_lock(p.pending)]
            node.forced = not enabled
            if chosen is None:
                chosen = self._default(node, enabled, runnable, current)
            if chosen is None:                 # only explored classes can follow
                del self.path[d if d >= self.replay else d + 1:]
                self._stopped = True
                return None
        if node.branch is None or node.branch.pid != chosen.pid:
            node.branch = next((b for b in node.wut if b.pid == chosen.pid), None)
            if node.branch is None:
                node.branch = _Branch(chosen.pid, None)
                node.wut.insert(0, node.branch)
        # a process a release woke declares a take, and takes the lock if it was waiting
        # in acquire, not if it was notified in Condition.wait (it acquires next)
        node.resumed = chosen.woken_by is not None
        self.last = chosen
        self.depth = d + 1
        return chosen

    def _node_at(self, d, runnable):
        """(the state at decision ``d``, the pid a replay or a wakeup branch wants there)."""
        options = [p.pid for p in runnable]
        if d < self.replay:                    # repeating: the state must be the same one
            node = self.path[d]
            if node.options != options:
                self.diverged = True
                node.options = options
            return node, node.branch.pid
        pending = {pid: p.pending + (((_PROC, pid), TAKE),)
                   for pid, p in self.procs.items() if not p.finished}
        clock = runnable[-1].pending if not runnable[-1].pid else _TICK
        pending[0] = clock + (((_PROC, 0), TAKE),)
        parent = self.path[d - 1] if d else None
        node = _Node(options, pending, self._sleep_after(parent) if parent else {},
                     parent.branch.children if parent else [])
        node.due = self._due()
        self.path.append(node)
        return node, node.wut[0].pid if node.wut else None

    def _due(self):
        """The processes whose timed waits end when the clock next moves."""
        deadlines = {pid: p.deadline for pid, p in self.procs.items() if p.deadline is not None}
        if not deadlines:
            return ()
        first = min(deadlines.values())
        return tuple(pid for pid, t in deadlines.items() if t == first)

    def _fair_first(self, node, runnable):
        """The branch wants the clock, which the engine withholds until a process it has
        passed over twice runs (fairness): run that process first, then the branch."""
        late = next((p for p in runnable if p.passed_over >= FAIR_JUMPS), None)
        if late is not None and node.branch is None:
            i = next(k for k, b in enumerate(node.wut) if b.pid == 0)
            node.wut[i] = _Branch(late.pid, None, [node.wut[i]])
        return late

    def _default(self, node, enabled, runnable, current):
        """The choice at a state no wakeup branch prescribes: a process not asleep (the
        current one if it can go on).  When every process left waits for a lock, one of
        them tries and blocks: the deadlock is near."""
        awake = [p for p in (enabled or runnable) if p.pid not in node.sleep]
        if not awake:
            return None
        return current if current in awake else awake[0]

    def _waits_for_lock(self, accesses):
        """An untimed acquire of a lock some process holds: not enabled."""
        return bool(accesses) and all(mode == TAKE and key in self.held for key, mode in accesses)

    # ---------------------------------------------------------------- bookkeeping
    def _transition_ended(self, node, runnable, repeated=False):
        """``runnable``: the choices now (None: the execution has ended).  ``repeated``: the
        transition repeats one of the previous execution: only the locks are followed."""
        last = self.last
        pid = last.pid
        blocked = bool(pid) and not last.finished and (runnable is None or last not in runnable)
        if runnable is not None:
            for key, mode in last.did:
                if mode == TAKE:
                    if node.resumed:           # who holds it is not known: say nobody
                        self.held.pop(key, None)
                    elif not blocked:
                        self.held[key] = pid
                elif mode:
                    self.held.pop(key, None)
        if repeated:
            return
        did = tuple(last.did) + (((_PROC, pid), TAKE),)
        # an acquire that found its lock held: it changed nothing
        node.blocked = blocked and bool(last.did) and all(m == TAKE for _, m in last.did)
        if runnable is not None:
            mover = {pid}
            before = set(node.options) - mover
            after = {p.pid for p in runnable} - mover
            did += tuple(((_PROC, q), GIVE) for q in sorted(before ^ after))
            node.disabled = sorted(before - after)
            if 0 in before and 0 in after and self._due() != node.due:
                node.disabled.append(0)        # a new deadline: the clock's move is another
        node.did = node.branch.accesses = did

    def _end_execution(self):
        if self._stopped:
            self.abandoned += 1
        else:
            self.explored += 1
            if self.depth:
                self._transition_ended(self.path[self.depth - 1], None)
        del self.path[self.depth:]

    def _sleep_after(self, prev):
        """The sleep set of the state reached from ``prev`` by its chosen transition."""
        did, chosen = prev.did, prev.branch.pid
        return {pid: acc for pid, acc in prev.sleep.items()
                if pid != chosen and not _conflict(acc, did)}

    # ---------------------------------------------------------------- races
    def _hb(self, i, j):
        """Event ``i`` happens before (or is) event ``j``."""
        pid, count, _ = self.clocks[i]
        return i == j or self.clocks[j][2].get(pid, 0) >= count

    def _analyse(self):
        """Happens-before for the events not analysed yet, then their races: each reversed
        race goes into the wakeup tree of the state before its first event."""
        path = self.path
        races = []
        for j in range(self.analysed, len(path)):
            node = path[j]
            pid = node.branch.pid
            preds, candidates = self._predecessors(j, pid, node)
            clock = {}
            for i in preds:
                for q, n in self.clocks[i][2].items():
                    if clock.get(q, 0) < n:
                        clock[q] = n
            count = clock.get(pid, 0) + 1
            clock[pid] = count
            self.clocks.append((pid, count, clock))
            self.last_of[pid] = j
            if not node.blocked:     # a failed acquire changed nothing: nothing follows it
                for key, mode in node.did:
                    entries = self.history.setdefault(key, [])
                    last_write = len(entries) if mode else entries[-1][3] if entries else -1
                    entries.append((j, pid, mode, last_write))
            for i, ignore in candidates:
                if not any(self._hb(i, k) for k in preds if k != i and k not in ignore):
                    races.append((i, j))
            for q in node.disabled:
                races.append((j, q))
        self.analysed = len(path)
        for i, j in races:
            if j > i:
                self._reverse(i, j)
            else:                              # event i disabled process j (e.g. the clock)
                self._reverse_disabled(i, j)

    def _predecessors(self, j, pid, node):
        """(the events event ``j`` directly follows, [(a race candidate, the predecessors
        its race check ignores)]).  Per key: a read follows the last write; a write follows
        that write and the reads since.  A take follows the gives before it without racing
        with them (they enabled it): an acquire's candidate is the previous acquire of its
        lock, the release in between ignored (unless that release also woke this process)."""
        preds, candidates = [], []
        if pid in self.last_of:
            preds.append(self.last_of[pid])
        enablers, wakers = [], []
        if not pid:                            # the clock: the waits it ends made it possible
            enablers += [self.last_of[q] for q in node.due if q in self.last_of]
        for key, mode in node.did:
            entries = self.history.get(key)
            if not entries:
                continue
            w = entries[-1][3]                 # the last write, then the reads since
            if mode:
                for i, q, m, _ in entries[w + 1:]:
                    preds.append(i)
                    if q != pid:
                        candidates.append((i, ()))
            chain = []
            while w >= 0:
                i, q, m, _ = entries[w]
                preds.append(i)
                if m == GIVE and mode == TAKE:
                    chain.append(i)
                    w = entries[w - 1][3] if w else -1
                    continue
                if q != pid and {m, mode} != {TAKE, GIVE}:
                    candidates.append((i, chain))
                break
            enablers += chain
            if isinstance(key, tuple) and key[0] == _PROC:
                wakers += chain
        return preds, [(i, [k for k in ignore if k not in wakers]) for i, ignore in candidates
                       if i not in enablers]

    def _reverse(self, i, j):
        """Race between events ``i`` and ``j``: insert ``notdep(i).j`` into the wakeup
        tree of the state before ``i``, unless a process asleep there could start it."""
        self.races += 1
        path = self.path
        seq = [(path[k].branch.pid, path[k].did) for k in range(i + 1, len(path))
               if k != j and not path[k].blocked and not self._hb(i, k)]
        seq.append((path[j].branch.pid, path[j].did))
        node = path[i]
        for q, acc in node.sleep.items():
            if _weak_initial(q, acc, seq):
                return
        _insert(seq, node.wut)

    def _reverse_disabled(self, i, pid):
        """Event ``i`` disabled ``pid`` (it woke the process whose timeout the clock would
        have ended, or took the lock a woken waiter wanted): ``pid``'s transition, which
        never ran, races with it.  Insert it before ``i``."""
        self.races += 1
        node = self.path[i]
        seq = [(pid, node.pending[pid])]
        for q, acc in node.sleep.items():
            if _weak_initial(q, acc, seq):
                return
        _insert(seq, node.wut)

    # ---------------------------------------------------------------- backtracking
    def _next_branch(self):
        """Retire the branches the last execution finished; set up the deepest state with
        a wakeup branch left.  False: none is left."""
        path = self.path
        for d in range(len(path) - 1, -1, -1):
            node = path[d]
            done = node.branch
            node.wut[:] = [b for b in node.wut if b is not done]
            node.sleep[done.pid] = node.did
            if node.wut:
                del path[d + 1:]
                self._forget(d)
                node.branch, node.did, node.blocked = node.wut[0], None, False
                self.replay = d + 1
                return True
        return False

    def _forget(self, d):
        """Forget the happens-before of the events from ``d`` on (the path leaves them)."""
        del self.clocks[d:]
        for entries in self.history.values():
            while entries and entries[-1][0] >= d:
                entries.pop()
        self.last_of = {}
        for k, (pid, _, _) in enumerate(self.clocks):
            self.last_of[pid] = k
        self.analysed = d

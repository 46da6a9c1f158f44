"""The engine's reference suite: small programs whose number of executions is known.

Ports of the smoke tests of Nidhugg (a stateless model checker for C/pthreads,
https://github.com/nidhugg/nidhugg, ``tests/smoke/C-tests/``) that map onto
multiprocessing primitives: plain shared variables become ``ctx.RawValue`` /
``ctx.RawArray`` (each load or store is one scheduling point, like a load or store
under sequential consistency) and a ``pthread_mutex_t`` becomes a ``ctx.Lock``.  The
``main`` thread's initialisation runs in ``setup``; its ``pthread_create`` calls become
the scenario's processes, in the same order.

Two counts per program:

* ``nidhugg``: the count published in Nidhugg's ``tests/smoke/reference.results.txt``.
  That file is checked by ``tests/smoke/test-nidhugg.py``, which runs ``nidhuggc --sc
  --rf`` (reads-from equivalence, Abdulla et al., OOPSLA 2019) and adds up the complete,
  sleep-set-blocked, assume-blocked and await-blocked traces.  Under ``--rf`` two
  executions are equivalent when every read reads from the same write: that is coarser
  than Mazurkiewicz equivalence (which also orders writes to one location), so it is
  *not* what an optimal DPOR over our dependence relation explores when a program has
  two writes to one location (n_writers_a_reader, opt_lock).
* ``classes``: the number of Mazurkiewicz classes of maximal executions under the
  engine's dependence relation (two steps conflict when they touch one key and not both
  only read it; a lock's acquire and release write it), i.e. what an optimal DPOR must
  run.  Computed by :func:`count_classes` (every interleaving, grouped), which also
  counts reads-from classes: those must equal ``nidhugg``, which checks each port.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ._sim import READ, TAKE
from .explore import Scenario, count_executions
from .schedulers import DFSScheduler

__all__ = ["ReferenceProgram", "PROGRAMS", "program", "philosophers", "count_classes"]

NIDHUGG = "https://github.com/nidhugg/nidhugg/blob/master/tests/smoke/"


@dataclass(frozen=True)
class ReferenceProgram:
    name: str                       # Nidhugg's test name, e.g. "lastzero_3"
    source: str                     # the C file it ports, under tests/smoke/C-tests/
    nidhugg: int                    # Nidhugg's published count (reads-from classes)
    classes: int                    # Mazurkiewicz classes: what optimal DPOR runs
    scenario: Callable[[], Scenario]


class Shared:
    """The shared memory of one program: named RawValues, RawArrays and Locks."""

    def __init__(self, ctx, values=(), arrays=(), locks=()):
        for name, init in values:
            setattr(self, name, ctx.RawValue("i", init))
        for name, init in arrays:
            setattr(self, name, ctx.RawArray("i", list(init)))
        for name in locks:
            setattr(self, name, ctx.Lock())


# --------------------------------------------------------------------------- readers_N
def readers(n):
    """readers_N.c: one thread writes x = 42, N threads read x (each first reads its
    argument args[i-1], which main wrote before creating it: that load commutes with
    everything)."""
    def writer(m):
        m.x.value = 42

    def reader(i):
        def body(m):
            m.args[i - 1]
            return m.x.value
        return body

    return Scenario(f"readers_{n}",
                    lambda ctx: Shared(ctx, values=[("x", 0)], arrays=[("args", range(n + 1))]),
                    [writer] + [reader(i) for i in range(1, n + 1)])


# --------------------------------------------------------------------------- lastzero_N
def lastzero(n):
    """lastzero_N.c (from the Optimal-DPOR paper, POPL 2014): thread 0 scans array[N],
    array[N-1], ... down to the first 0; thread j (1..N) sets array[j] = array[j-1] + 1."""
    def scanner(m):
        i = n
        while m.array[i] != 0:
            i -= 1
        return i

    def writer(j):
        def body(m):
            m.args[j]                       # int j = *((int *) arg)
            a = m.array[j - 1]
            m.array[j] = a + 1
        return body

    return Scenario(f"lastzero_{n}",
                    lambda ctx: Shared(ctx, arrays=[("array", [0] * (n + 1)), ("args", range(n + 1))]),
                    [scanner] + [writer(j) for j in range(1, n + 1)])


# --------------------------------------------------------------------------- n_writers_a_reader_N
def n_writers_a_reader(n):
    """n_writers_a_reader.inc (a CDSChecker example): thread i (0..N-1) writes x = i, one
    more thread reads x."""
    def writer(i):
        def body(m):
            m.x.value = m.args[i]           # x = *((int *) arg)
        return body

    def reader(m):
        return m.x.value

    return Scenario(f"n_writers_a_reader_{n}",
                    lambda ctx: Shared(ctx, values=[("x", 0)], arrays=[("args", range(n))]),
                    [writer(i) for i in range(n)] + [reader])


# --------------------------------------------------------------------------- mutex_order_N
def mutex_order(n):
    """mutex_order.inc: N threads each lock m, ++x, unlock m."""
    def body(m):
        with m.m:
            m.x.value += 1

    return Scenario(f"mutex_order_{n}",
                    lambda ctx: Shared(ctx, values=[("x", 0)], locks=["m"]),
                    [body] * n)


# --------------------------------------------------------------------------- opt_lock_N
def opt_lock(n):
    """opt_lock.inc (from DC-DPOR): two threads (always two; N bounds the loop) each try N
    times to store last_id = j, x = j, and read last_id back; if it is still j they
    return x.  (The C file's atomics are sequentially consistent loads and stores.)"""
    def thread(j):
        def body(m):
            for _ in range(n):
                m.last_id.value = j
                m.x.value = j               # get_message(j)
                if m.last_id.value == j:
                    return m.x.value
            return None
        return body

    return Scenario(f"opt_lock_{n}",
                    lambda ctx: Shared(ctx, values=[("last_id", 0), ("x", 0)]),
                    [thread(0), thread(1)])


def _programs():
    out = []
    for n, published, classes in ((1, 2, 2), (2, 4, 4), (3, 8, 8), (4, 16, 16)):
        out.append(ReferenceProgram(f"readers_{n}", f"readers_{n}.c", published, classes,
                                    lambda n=n: readers(n)))
    for n, published, classes in ((1, 2, 2), (2, 5, 5), (3, 12, 12), (4, 28, 28)):
        out.append(ReferenceProgram(f"lastzero_{n}", f"lastzero_{n}.c", published, classes,
                                    lambda n=n: lastzero(n)))
    for n, published, classes in ((1, 2, 2), (2, 3, 6), (3, 4, 24), (4, 5, 120)):
        out.append(ReferenceProgram(f"n_writers_a_reader_{n}", "n_writers_a_reader.inc",
                                    published, classes, lambda n=n: n_writers_a_reader(n)))
    for n, published, classes in ((2, 2, 2), (3, 6, 6)):
        out.append(ReferenceProgram(f"mutex_order_{n}", "mutex_order.inc", published, classes,
                                    lambda n=n: mutex_order(n)))
    for n, published, classes in ((2, 19, 42), (3, 31, 126)):
        out.append(ReferenceProgram(f"opt_lock_{n}", "opt_lock.inc", published, classes,
                                    lambda n=n: opt_lock(n)))
    return out


PROGRAMS = _programs()


def program(name):
    return next(p for p in PROGRAMS if p.name == name)


# --------------------------------------------------------------------------- philosophers
def philosophers(n=4, ordered=False):
    """Dining philosophers: philosopher i takes fork i, then fork i+1 (mod n), each a
    ctx.Lock, and puts them down.  ``ordered``: each takes the lower-numbered fork first
    (resource ordering: no deadlock)."""
    def philosopher(i):
        first, second = i, (i + 1) % n
        if ordered and second < first:
            first, second = second, first

        def body(t):
            with t.forks[first]:
                with t.forks[second]:
                    pass
        return body

    class Table:
        def __init__(self, ctx):
            self.forks = [ctx.Lock() for _ in range(n)]

    kind = "resource ordering" if ordered else "left then right"
    return Scenario(f"{n} dining philosophers, {kind}", Table,
                    [philosopher(i) for i in range(n)])


class _Recording:
    """Wraps a scheduler and keeps each execution's steps: (pid, accesses) in order."""

    records_accesses = True

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.steps = None           # the execution in progress
        self.last = None
        self.finished = []          # steps of every execution that ended

    def new_execution(self):
        self._close()
        self.steps, self.last = [], None
        return self.inner.new_execution()

    def next(self, runnable, current):
        if self.last is not None:
            last = self.last
            self._step(last, blocked=last.pid and not last.finished and last not in runnable)
        self.last = self.inner.next(runnable, current)
        return self.last

    def _close(self):
        if self.steps is not None:
            if self.last is not None:
                self._step(self.last, blocked=self.last.pid and not self.last.finished)
            self.finished.append(self.steps)
            self.steps = None

    def _step(self, proc, blocked):
        accesses = proc.did
        if blocked:          # an acquire that found its lock held changed nothing (as in
            #                  Nidhugg, where a mutex lock is enabled only while it is free)
            accesses = tuple(a for a in accesses if a[1] != TAKE)
            if not accesses:
                return
        self.steps.append((proc.pid, accesses))

    complete = property(lambda self: self.inner.complete)
    exhausted = property(lambda self: self.inner.exhausted)


def _classes(steps):
    """(Mazurkiewicz class, reads-from class) of one execution.  A step is (pid, its
    index within pid); the Mazurkiewicz class is, per key, the order of the steps that
    write it with the set of steps reading it between two writes; the reads-from class
    is which write each read reads from (an acquire reads the release before it)."""
    seen = {}
    per_key = {}
    reads_from = []
    events = []
    for pid, accesses in steps:
        k = seen[pid] = seen.get(pid, -1) + 1
        event = (pid, k)
        if accesses:
            events.append(event)
        for key, mode in accesses:
            groups = per_key.setdefault(key, [])
            if mode == READ or mode == TAKE:
                last_write = next((g for g in reversed(groups) if not isinstance(g, set)), None)
                reads_from.append((event, key, last_write))
            if mode == READ:
                if groups and isinstance(groups[-1], set):
                    groups[-1].add(event)
                else:
                    groups.append({event})
            else:
                groups.append(event)
    mazurkiewicz = frozenset((key, tuple(frozenset(g) if isinstance(g, set) else g for g in groups))
                             for key, groups in per_key.items())
    return mazurkiewicz, (frozenset(events), frozenset(reads_from))


def count_classes(scenario, limit=200_000):
    """Every interleaving of ``scenario`` (plain depth-first search, no reduction),
    grouped: (interleavings, Mazurkiewicz classes, reads-from classes).  None if there
    are more than ``limit`` interleavings."""
    recording = _Recording(DFSScheduler(max_preemptions=10 ** 9))
    counts = count_executions(scenario, recording, limit=limit)
    recording._close()
    if not counts.finished:
        return None
    mazurkiewicz, reads_from = set(), set()
    for steps in recording.finished[:counts.executions]:
        m, r = _classes(steps)
        mazurkiewicz.add(m)
        reads_from.add(r)
    return counts.executions, len(mazurkiewicz), len(reads_from)

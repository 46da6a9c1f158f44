"""The core of the controlled runtime: one :class:`Sim` is one execution of a scenario.

Simulated processes are greenlets that run one at a time.  Every operation on a
controlled primitive (and every read of the virtual clock) first calls :meth:`Sim.point`:
a *scheduling point*, where the process's transition ends and the scheduler decides who
runs next.  A process also ends its transition when it blocks or finishes.  Switching is
direct (process to process); the parent greenlet regains control only when a process
finishes or the run ends.

Time is virtual.  Whenever some process is in a timed wait (a timeout or a sleep), the
scheduler is offered one more choice besides the runnable processes: the *clock*
(:attr:`Sim.clock_proc`, pid 0 in schedules), meaning "the earliest pending deadline
passes now".  Choosing it advances :attr:`Sim.clock` to that deadline and times out every
wait that ends then, even while the processes they wait for are still running (a real
machine can deschedule a lock holder past any timeout), but fairly: a process that could
run is passed over by at most :data:`FAIR_JUMPS` jumps before it runs (so a retry loop
with a timeout makes progress).  When nobody is runnable the clock is the only choice;
when nobody is runnable and nobody has a deadline, the run is a deadlock.

For partial-order reduction each transition declares what it touches: a tuple of
*accesses* ``(key, mode)``, where a key is a primitive's ``_id``, ``(array's _id, index)``
for one cell of a shared array, or :data:`CLOCK`, and the mode is :data:`READ`,
:data:`WRITE`, :data:`TAKE` (acquiring a lock or semaphore) or :data:`GIVE` (releasing
it).  Two transitions are dependent when they touch a key in common and do not both only
read it.  A take and a give of one lock are dependent (a release enables an acquire) but
never race: they cannot both be possible at once.  (Semaphores use plain writes.)
"""
from __future__ import annotations

import enum
import itertools
import os
import sys
import sysconfig

from greenlet import GreenletExit, getcurrent, greenlet

__all__ = ["Sim", "Proc", "FailureKind", "HangAbort", "ForeignPrimitiveError", "SchedulerError",
           "CLOCK", "READ", "WRITE", "TAKE", "GIVE", "MONOTONIC_BASE", "WALL_BASE"]

#: virtual clocks start here in every run, so that code treating 0 specially is not surprised
MONOTONIC_BASE = 1000.0
WALL_BASE = 1_700_000_000.0

#: access key of the virtual clock: read by timed operations and clock reads, written by the clock
CLOCK = "clock"
#: a runnable process may be passed over by this many clock jumps; then it runs before the
#: next one (real schedulers are fair: time does not pass forever while a process waits to run)
FAIR_JUMPS = 2
#: access modes (READ and WRITE are False and True, so a bool works too)
READ, WRITE, TAKE, GIVE = 0, 1, 2, 3


_ENGINE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LIBRARY_DIRS = tuple({os.path.abspath(sysconfig.get_paths()[k]) + os.sep
                       for k in ("stdlib", "platstdlib")})


def caller_location():
    """(file, line) of the innermost frame outside the engine and the standard library:
    the line of the scenario's or the student's code that made the operation being logged
    (None if there is none, e.g. in the engine's own bookkeeping)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if not name.startswith(_ENGINE_DIR) and not name.startswith(_LIBRARY_DIRS) \
                and "greenlet" not in name:
            return name, frame.f_lineno
        frame = frame.f_back
    return None


class FailureKind(str, enum.Enum):
    """Why a run failed.  A ``str`` enum: ``FailureKind.DEADLOCK == "deadlock"``."""

    CHECK = "check"                    # the scenario's check rejected the final state
    DEADLOCK = "deadlock"              # every live process blocked, no deadline pending
    EXCEPTION = "exception"            # raised in a process, in setup or in the check
    STEP_BUDGET = "step-budget"        # too many scheduling steps: a busy-wait or livelock
    UNPICKLABLE = "unpicklable"        # the shared object cannot be sent to a process
    FOREIGN_PRIMITIVE = "foreign-primitive"   # a real multiprocessing primitive, not from ctx
    HANG = "hang"                      # no scheduling point for hang_timeout wall seconds;
    #                                    reported to students as STEP_BUDGET

    def __str__(self):
        return self.value


class HangAbort(BaseException):
    """Injected by the watchdog into a process that runs without any scheduling point."""


class ForeignPrimitiveError(RuntimeError):
    """A real multiprocessing lock/semaphore was created while a controlled run is active
    (it would block the whole simulation in C, out of the scheduler's reach)."""


class SchedulerError(RuntimeError):
    """A scheduler returned something that is not one of the runnable choices."""


class Proc:
    """One simulated process (pid >= 1), the parent that runs setup and check (pid 0, never
    scheduled), or the clock (pid 0 in schedules, offered while some wait has a deadline)."""

    __slots__ = (
        "pid",             # 1, 2, ... in the order of Scenario.processes; 0: parent or clock
        "label",           # "P1", ..., "parent", "time"
        "fn",              # what the process runs, on its own copy of the shared object
        "glet",            # its greenlet (None for the parent and the clock)
        "result",          # what fn returned (or the exception, with allow_exceptions)
        "exc",             # the exception that escaped fn, else None
        "finished",        # fn has returned or raised; never runnable again
        "blocked_on",      # the primitive it waits on; None when runnable, sleeping or done
        "deadline",        # virtual time its timed wait or sleep ends; not None iff in Sim.timed
        "blocked_since",   # virtual time its current wait began
        "timed_out",       # its last wait ended because the deadline passed
        "wake_value",      # set by a Barrier for a process it releases: "pass" or "broken"
        "timed_wait_time",  # virtual seconds spent in timed waits, each counted up to its deadline
        "quiet",           # > 0 while inside a Value/Array accessor: its lock is not logged
        "woken_by",        # the lock whose release woke it, until it runs again
        "passed_over",     # clock jumps since it last ran while it could have (fairness)
        "pending",         # accesses of the transition it makes when it next runs
        "did",             # accesses of its last transition (complete once it stopped running)
        "where",           # (file, line) of the operation in progress, when a remote worker
        #                    said where in the answer it is (else the caller's frame is used)
    )

    def __init__(self, pid, fn=None, label=None):
        self.pid = pid
        self.label = label or (f"P{pid}" if pid else "parent")
        self.fn = fn
        self.glet = None
        self.result = None
        self.exc = None
        self.finished = False
        self.blocked_on = None
        self.deadline = None
        self.blocked_since = 0.0
        self.timed_out = False
        self.wake_value = None
        self.timed_wait_time = 0.0
        self.quiet = 0
        self.woken_by = None
        self.passed_over = 0
        self.pending = ()
        self.did = ()
        self.where = None

    def __repr__(self):
        return self.label


_serials = itertools.count()


class Sim:
    """State of one execution.  Created per schedule; primitives hold a reference to it."""

    def __init__(self, scheduler, step_budget=20_000, *, allow_exceptions=False):
        self.serial = next(_serials)        # tells runs apart for the watchdog
        self.scheduler = scheduler          # decides at every decision (schedulers.Scheduler)
        self.record = bool(getattr(scheduler, "records_accesses", False))  # fill pending/did
        self.step_budget = step_budget      # scheduling steps before the run fails
        self.allow_exceptions = allow_exceptions   # exceptions in processes go to check()
        self.steps = 0                      # scheduling steps taken by processes so far
        self.clock = 0.0                    # virtual seconds since the run started
        self.schedule = []                  # pid chosen at every decision with >= 2 choices
        self.log = None                     # events for the timeline: a list while wanted
        self.parent = Proc(0)               # runs setup and check; current outside processes
        self.clock_proc = Proc(0, label="time")   # the choice "the earliest deadline passes"
        self.current = self.parent          # the process whose code is running
        self.procs = []                     # every simulated process, by pid
        self.runnable = []                  # processes that can run, in pid order
        self.timed = []                     # blocked processes with a deadline
        self.live = 0                       # processes not finished
        self.prims = []                     # every primitive, in creation order
        self.created = {}                   # pid -> how many primitives that process made
        self.root = None                    # the shared object setup returned
        self.copies = []                    # (process, its unpickled copy of root)
        self.main = None                    # the greenlet that called run()
        self.last_finished = None           # the process that finished most recently
        self.accesses = None                # accesses of the transition in progress (record)
        self.done = False                   # the run has ended early (failure or abandoned)
        self.abandoned = False              # ended because the scheduler gave up on it
        self.failure = None                 # (FailureKind, payload dict) once it failed

    # ------------------------------------------------------------------ registry
    def register(self, prim):
        """Add a new primitive; returns its access key, the same in every execution that
        reaches its creation: (pid of its creator, how many that process had created)."""
        self.prims.append(prim)
        pid = self.current.pid
        n = self.created.get(pid, 0)
        self.created[pid] = n + 1
        return (pid, n)

    def ev(self, proc, verb, prim=None, detail=""):
        """Log one timeline event (callers check ``self.log is not None`` first), with the
        line of the code that caused it."""
        where = proc.where
        self.log.append((proc.pid, verb, prim, detail, caller_location() if where is None else where))

    def touch(self, key, mode=WRITE):
        """Record an access the current transition makes beyond those its point declared."""
        if self.accesses is not None:
            self.accesses.append((key, mode))

    # ------------------------------------------------------------------ ending
    def end(self, kind, **payload):
        """End the run: failed with ``kind`` (a FailureKind), or abandoned by the scheduler
        (``kind`` None).  The first ending counts.  Called from a process, never returns."""
        if not self.done:
            self.done = True
            if kind is None:
                self.abandoned = True
            else:
                self.failure = (kind, payload)
        if self.main is not None and getcurrent() is not self.main:
            self.main.switch()
            raise GreenletExit

    # ------------------------------------------------------------------ scheduling
    def point(self, key, mode=WRITE):
        """A scheduling point before an operation on ``key``.  Returns the caller's Proc."""
        return self.point_at(((key, mode),))

    def point_at(self, accesses):
        """A scheduling point before an operation making ``accesses``."""
        cur = self.current
        if not cur.pid:
            return cur                      # setup and check are not scheduled
        self.step(cur)
        cur.pending = accesses
        nxt = self._decide(cur)
        if nxt is not cur:
            self._switch(nxt)
        return cur

    def step(self, cur):
        """Count one scheduling step of process ``cur`` against the budget."""
        if self.done:
            raise GreenletExit              # being unwound after the run ended
        self.steps += 1
        if self.steps > self.step_budget:
            self.end(FailureKind.STEP_BUDGET, proc=cur)

    def block(self, cur, prim, deadline):
        """Block ``cur`` on ``prim`` (None: a plain sleep) until woken, or until ``deadline``
        (virtual time; None: no timeout).  Returns True when the deadline ended the wait."""
        if self.done:
            raise GreenletExit
        cur.blocked_on = prim
        cur.deadline = deadline
        cur.blocked_since = self.clock
        cur.timed_out = False
        if prim is not None:
            prim._waiters.append(cur)
        self.runnable.remove(cur)
        if deadline is not None:
            self.timed.append(cur)
        if self.record:        # what it does when it runs again (a timed wait may fail)
            cur.pending = () if prim is None else prim._resume if deadline is None else prim._writes
        nxt = self._decide(cur)
        if nxt is not cur:                  # cur itself when only its own deadline remained
            self._switch(nxt)
        cur.woken_by = None
        return cur.timed_out

    def reblock(self, p, prim):
        """Put ``p``, runnable but suspended in ``block``, back to waiting on ``prim`` with
        no deadline, without running it: what it would do at once if it ran."""
        p.blocked_on = prim
        p.blocked_since = self.clock
        p.woken_by = None
        prim._waiters.append(p)
        self.runnable.remove(p)
        if self.record:
            p.pending = prim._resume

    def _switch(self, nxt):
        self.current = nxt
        nxt.glet.switch()
        if self.done:
            raise GreenletExit

    def wake(self, p, timed_out=False):
        """Make ``p`` runnable again (its waker already took it off the waiters' list,
        except after a timeout)."""
        p.timed_out = timed_out
        prim = p.blocked_on
        if prim is not None:
            p.blocked_on = None
            if timed_out:
                try:
                    prim._waiters.remove(p)
                except ValueError:
                    pass
        if p.deadline is not None:
            p.timed_wait_time += min(self.clock, p.deadline) - p.blocked_since
            p.deadline = None
            self.timed.remove(p)
        run = self.runnable
        pid = p.pid
        i = len(run)
        while i and run[i - 1].pid > pid:
            i -= 1
        run.insert(i, p)

    def wake_all(self, prim):
        waiters = prim._waiters
        if waiters:
            prim._waiters = []
            for p in waiters:
                p.blocked_on = None
                self.wake(p)

    def _decide(self, cur):
        """``cur``'s transition has ended (at a point, blocked or finished; None before the
        first).  Ask the scheduler who runs next and start that transition.  None: the run
        is over (everyone finished, a deadlock, or the scheduler abandoned it); from a
        process, an ending run never returns here."""
        record = self.record
        if record and cur is not None and self.accesses is not None:
            cur.did = tuple(self.accesses)
        scheduler = self.scheduler
        while True:
            options = self.runnable
            if self.timed and not any(p.passed_over >= FAIR_JUMPS for p in options):
                options = options + [self.clock_proc]
                if record:
                    self.clock_proc.pending = self._clock_accesses()
            elif not options:
                if self.live:
                    self.end(FailureKind.DEADLOCK)
                return None
            nxt = scheduler.next(options, cur)
            if nxt is None:
                self.end(None)
                return None
            if nxt is not options[0] and nxt not in options:
                raise SchedulerError(f"{type(scheduler).__name__}.next() returned {nxt!r}, "
                                     f"not one of {options!r}")
            if len(options) > 1:
                self.schedule.append(nxt.pid)
            if nxt is not self.clock_proc:
                break
            self._advance_time()
        nxt.passed_over = 0
        if record:
            self.accesses = list(nxt.pending)
        return nxt

    def _earliest(self):
        t = min(p.deadline for p in self.timed)
        return t, sorted([p for p in self.timed if p.deadline <= t], key=lambda p: p.pid)

    def _clock_accesses(self):
        _, due = self._earliest()
        return ((CLOCK, WRITE),) + tuple((p.blocked_on._id, WRITE) for p in due
                                         if p.blocked_on is not None)

    def _advance_time(self):
        """The clock's transition: time jumps to the earliest pending deadline, and every
        wait that ends then times out."""
        t, due = self._earliest()
        if self.record:
            self.clock_proc.did = self._clock_accesses()
        for p in self.runnable:
            p.passed_over += 1
        if t > self.clock:
            self.clock = t
            if self.log is not None:
                self.log.append((0, "time", None, f"{t:g}", None))
        for p in due:
            self.wake(p, timed_out=True)

    # ------------------------------------------------------------------ time
    def read_clock(self):
        """The virtual clock as a process reads it: a scheduling point (time is shared)."""
        if self.current.pid:
            self.point(CLOCK, READ)
        return self.clock

    def sleep(self, secs):
        if secs < 0:
            raise ValueError("sleep length must be non-negative")
        cur = self.current
        if not cur.pid:
            self.clock += secs
            return
        self.point(CLOCK, READ)
        if secs > 0:
            if self.log is not None:
                self.ev(cur, "sleeps", None, f" {secs:g} s")
            self.block(cur, None, self.clock + secs)

    # ------------------------------------------------------------------ running
    def run(self, fns, make_arg):
        """Run processes ``fns`` (callables taking one argument) to completion."""
        self.main = getcurrent()
        for i, fn in enumerate(fns):
            p = Proc(i + 1, fn)
            p.glet = greenlet(self._body(p, make_arg), self.main)
            self.procs.append(p)
        self.runnable = list(self.procs)
        self.live = len(self.procs)
        cur = None
        try:
            while not self.done:
                nxt = self._decide(cur)
                if nxt is None:
                    break
                self.current = nxt
                nxt.glet.switch()
                cur = self.last_finished
        except BaseException:   # KeyboardInterrupt from a process, or an engine error
            self.done = True
            raise
        finally:
            self.current = self.parent
            if self.done:
                self._kill()

    def _body(self, p, make_arg):
        def body():
            try:
                arg = make_arg()
                self.copies.append((p, arg))
                p.result = p.fn(arg)
            except GreenletExit:
                if self.done:               # being unwound after the run ended
                    return
                p.exc = p.result = RuntimeError("process killed")
            except HangAbort:
                if not self.done:
                    self.end(FailureKind.HANG, proc=p)
                return
            except SystemExit as e:         # sys.exit() ends a process; 0/None is success
                if self.done:
                    return
                if e.code not in (None, 0):
                    self._raised(p, e)
                p.result = None
            except Exception as e:  # noqa: BLE001 - every student error is data
                if self.done:
                    return
                self._raised(p, e)
            # any other BaseException (KeyboardInterrupt, a test-runner timeout) propagates
            # to the parent greenlet and ends the exploration
            p.finished = True
            p.pending = ()
            self.live -= 1
            self.runnable.remove(p)
            self.last_finished = p
            if self.log is not None and p.exc is None:
                self.ev(p, "finishes")
        return body

    def _raised(self, p, e):
        """An exception escaped process ``p``: the run fails, unless exceptions are results."""
        p.exc = p.result = e
        if isinstance(e, ForeignPrimitiveError):
            p.finished = True
            self.end(FailureKind.FOREIGN_PRIMITIVE, proc=p, exc=e)
        if not self.allow_exceptions:
            p.finished = True
            self.end(FailureKind.EXCEPTION, proc=p, exc=e)
        if self.log is not None:
            self.ev(p, "raises", None, f" {type(e).__name__}: {e}")

    def _kill(self):
        """Unwind every suspended process; primitives are inert while done."""
        log, self.log = self.log, None
        for p in self.procs:
            g = p.glet
            if g is not None and g:  # started and not dead
                self.current = p
                try:
                    g.throw(GreenletExit)
                except BaseException:  # noqa: BLE001
                    pass
        self.log = log
        self.current = self.parent

"""Drop-in replacements for multiprocessing's synchronization primitives, driven by a Sim.

Signatures, return values and exceptions follow CPython's ``multiprocessing/synchronize.py``
(checked against 3.11): releasing an unheld Lock raises ``ValueError('semaphore or lock
released too many times')``, releasing an RLock one does not own raises
``AssertionError('attempt to release recursive lock not owned by thread')``, waiting on a
Condition without holding its lock raises ``AssertionError('must acquire() condition
before using wait()')``.

As in CPython, Lock, RLock, Semaphore and BoundedSemaphore share one base
(:class:`SemLock`): blocking, timeouts, logging and the context manager live there, and
each class defines only what differs (when it can be taken, what taking and giving it
does, what the timeline says about it).

Every operation that another process could observe starts with a scheduling point
(``sim.point``) that declares what it touches.  Re-entrant acquire/release of an RLock the
caller already holds changes nothing another process can see, so it is not one.
"""
from __future__ import annotations

import sys
from threading import BrokenBarrierError

from ._base import Prim, deadline_of, parent_block
from ._sim import CLOCK, GIVE, READ, TAKE, WRITE

__all__ = ["SemLock", "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event",
           "Barrier", "SEM_VALUE_MAX"]

SEM_VALUE_MAX = 2 ** 31 - 1
_READS_CLOCK = ((CLOCK, READ),)


def _accesses(own, timeout):
    """A blocking operation's accesses: its own (``own``), and the clock when it has a
    deadline."""
    return own if timeout is None else own + _READS_CLOCK


# --------------------------------------------------------------------------- SemLock
class SemLock(Prim):
    """What the lock-like primitives share: acquire(block, timeout), release, ``with``."""

    __slots__ = (
        "_waiters",                # processes blocked in acquire, in arrival order
        "_woken",                  # processes the last release woke that have not run yet
        "_takes", "_gives",        # the accesses of acquiring / releasing it
    )
    _busy = ""                     # the timeline's reason when acquire(False) fails

    _modes = (WRITE, WRITE)        # the access modes of an untimed acquire and of a release

    def __init__(self, sim):
        self._waiters = []
        self._woken = []
        Prim.__init__(self, sim)
        take, give = self._modes
        self._takes = self._resume = ((self._id, take),)
        self._gives = ((self._id, give),)

    # ---- what each subclass defines
    def _reentered(self, cur):
        """Taken again by its owner (RLock): no scheduling point.  True if so."""
        return False

    def _can_take(self):
        raise NotImplementedError

    def _take(self, cur):
        raise NotImplementedError

    def _released_quietly(self, cur):
        """Before release's scheduling point: raise if ``cur`` may not release (RLock), or
        return True when the release is invisible to others (an RLock held twice)."""
        return False

    def _give(self, cur):
        """The release itself; raises ValueError when released too many times."""
        raise NotImplementedError

    def _releasable(self, cur):
        """Whether a release by ``cur`` is a plain give (for the access it declares)."""
        return True

    def _state(self):
        """Appended to 'acquires'/'releases' in the timeline, e.g. ' (value now 2)'."""
        return ""

    def _unavailable(self):
        """Why it cannot be taken, for the timeline: ' (held by P1)', ' (value 0)'."""
        return ""

    # ---- shared behaviour
    def acquire(self, block=True, timeout=None):
        sim = self._sim
        cur = sim.current
        if self._reentered(cur):
            return True
        # only an untimed acquire is a take: blocking first and running after the release
        # end the same way.  A timed or non-blocking one may fail instead, so it races
        # with releases like any write
        cur = sim.point_at(self._takes if block and timeout is None else
                           _accesses(self._writes, timeout if block else None))
        if self._can_take():
            self._took(cur)
            return True
        if not block:
            self._log(cur, "tries", self._busy)
            return False
        if not cur.pid:
            return parent_block(sim, self, timeout)
        deadline = deadline_of(sim, timeout)
        logged = False
        while True:
            if deadline is not None and deadline <= sim.clock:
                self._log(cur, "times out")
                return False
            if not logged:
                logged = True
                self._log(cur, "blocks on", self._unavailable())
            timed_out = sim.block(cur, self, deadline)
            if self._can_take():         # a release woke every waiter: whoever runs first wins
                self._took(cur)
                return True
            if timed_out:
                self._log(cur, "times out")
                return False

    def _took(self, cur):
        self._take(cur)
        self._log(cur, "acquires", self._state())
        if self._woken and not self._can_take():
            # the waiters the release woke that have not run yet would only find it taken
            # and wait again: they do so now, without a transition of their own
            sim = self._sim
            for p in self._woken:
                if p.woken_by is self and p is not cur:
                    sim.reblock(p, self)
            self._woken = []

    def release(self):
        sim = self._sim
        if self._released_quietly(sim.current):
            return
        # a release that may fail, or free another process's lock, is a plain write: it
        # races with acquires
        cur = sim.point_at(self._gives if self._releasable(sim.current) else self._writes)
        self._release_now(cur)

    def _release_now(self, cur):
        """The release after its scheduling point (Condition.wait calls it inside its own).
        Every waiter wakes and competes for it (barging, as with POSIX semaphores)."""
        try:
            self._give(cur)
        except ValueError:
            self._sim.touch(self._id, WRITE)     # released too often: it races with takes
            raise
        self._log(cur, "releases", self._state())
        waiters = self._waiters
        if waiters:
            sim = self._sim
            self._waiters = []
            for p in waiters:
                untimed = p.deadline is None
                p.blocked_on = None
                sim.wake(p)
                if untimed:
                    p.woken_by = self
                    self._woken.append(p)

    def _log(self, cur, verb, detail=""):
        sim = self._sim
        if sim.log is not None and not cur.quiet:
            sim.ev(cur, verb, self, detail)

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *args):
        return self.release()


class _Owned(SemLock):
    """A lock with an owner (Lock, RLock): what Condition and deadlock reports need."""

    __slots__ = ("_owner",)        # the Proc holding it, or None
    _busy = " but it is held"
    # an acquire needs the lock free and a release needs it held: they never race, and a
    # release comes before the acquire it lets through.  (A semaphore's acquire and release
    # may both be possible at once and commute, so for semaphores they are plain writes.)
    _modes = (TAKE, GIVE)

    def __init__(self, sim):
        self._owner = None
        SemLock.__init__(self, sim)

    def _can_take(self):
        return self._owner is None

    def _holder(self):
        return self._owner

    def _is_mine(self, cur):
        return self._owner is cur

    def _releasable(self, cur):
        # multiprocessing lets any process release a Lock; only the owner's release is a
        # plain give (anyone else's may free someone's lock, or fail: it races with takes)
        return self._owner is cur

    def _unavailable(self):
        o = self._owner
        return "" if o is None else f" (held by {o.label})"

    # used by Condition.wait, around its own scheduling point
    def _save_count(self):
        return 1

    def _acquire_restore(self, count):
        self.acquire()


class Lock(_Owned):
    """multiprocessing.Lock: a binary semaphore.  Any process may release it."""

    kind = "Lock"
    __slots__ = ()

    def _take(self, cur):
        self._owner = cur

    def _give(self, cur):
        if self._owner is None:
            raise ValueError("semaphore or lock released too many times")
        self._owner = None

    def __repr__(self):
        o = self._owner
        return f"<Lock(owner={o.label if o is not None else None})>"


class RLock(_Owned):
    """multiprocessing.RLock: recursive, only the owner may release."""

    kind = "RLock"
    __slots__ = ("_count",)        # how many times the owner holds it (0 when free)

    def __init__(self, sim):
        self._count = 0
        _Owned.__init__(self, sim)

    def _reentered(self, cur):
        if self._owner is cur:
            self._count += 1
            return True
        return False

    def _take(self, cur):
        self._owner = cur
        self._count = 1

    def _released_quietly(self, cur):
        if self._owner is not cur:
            raise AssertionError("attempt to release recursive lock not owned by thread")
        if self._count > 1:
            self._count -= 1
            return True
        return False

    def _give(self, cur):
        self._owner = None
        self._count = 0

    def _save_count(self):
        count, self._count = self._count, 1
        return count

    def _acquire_restore(self, count):
        self.acquire()
        self._count = count

    def __repr__(self):
        o = self._owner
        return "<RLock(None, 0)>" if o is None else f"<RLock({o.label}, {self._count})>"


class Semaphore(SemLock):
    kind = "Semaphore"
    __slots__ = ("_value", "_max")   # current value; the largest a release may reach
    _busy = " but its value is 0"

    def __init__(self, sim, value=1, maxvalue=SEM_VALUE_MAX):
        if not isinstance(value, int):
            raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
        if value < 0 or value > maxvalue:
            raise OSError(22, "Invalid argument")
        self._value = value
        self._max = maxvalue
        SemLock.__init__(self, sim)

    def _can_take(self):
        return self._value > 0

    def _take(self, cur):
        self._value -= 1

    def _give(self, cur):
        if self._value >= self._max:
            raise ValueError("semaphore or lock released too many times")
        self._value += 1

    def _state(self):
        return f" (value now {self._value})"

    def _unavailable(self):
        return " (value 0)"

    def get_value(self):
        self._sim.point_at(self._reads)
        return self._value

    def __repr__(self):
        return f"<{type(self).__name__}(value={self._value})>"


class BoundedSemaphore(Semaphore):
    kind = "BoundedSemaphore"
    __slots__ = ()

    def __init__(self, sim, value=1):
        Semaphore.__init__(self, sim, value, value)

    def __repr__(self):
        return f"<BoundedSemaphore(value={self._value}, maxvalue={self._max})>"


# --------------------------------------------------------------------------- condition
class Condition(Prim):
    kind = "Condition"
    __slots__ = ("_lock", "_waiters")   # its Lock or RLock; processes in wait(), FIFO

    def __init__(self, sim, lock=None):
        if lock is None:
            lock = RLock(sim)
        elif not isinstance(lock, _Owned):
            raise TypeError("Condition(lock): the lock must be a Lock or RLock created "
                            "from the same context")
        self._lock = lock
        self._waiters = []
        Prim.__init__(self, sim)

    def acquire(self, block=True, timeout=None):
        return self._lock.acquire(block, timeout)

    def release(self):
        return self._lock.release()

    def __enter__(self):
        return self._lock.acquire()

    def __exit__(self, *args):
        return self._lock.release()

    def wait(self, timeout=None):
        sim = self._sim
        cur = sim.current
        lock = self._lock
        if not lock._is_mine(cur):
            raise AssertionError("must acquire() condition before using wait()")
        if not cur.pid:
            if timeout is None:
                raise RuntimeError("setup/check code would wait forever on a Condition")
            sim.clock = deadline_of(sim, timeout)
            return False
        # one transition: release the lock and start waiting (no notify can slip between)
        sim.point_at(lock._gives + _accesses(self._writes, timeout))
        deadline = deadline_of(sim, timeout)
        count = lock._save_count()
        cur.quiet += 1               # the timeline says "waits on c (releasing lock)"
        try:
            lock._release_now(cur)
        finally:
            cur.quiet -= 1
        if deadline is not None and deadline <= sim.clock:
            notified = False
        else:
            if sim.log is not None:
                sim.ev(cur, "waits on", self, (" (releasing {})", lock))
            notified = not sim.block(cur, self, deadline)
            if sim.log is not None:
                sim.ev(cur, "wakes up on", self, " (notified)" if notified else " (timed out)")
        lock._acquire_restore(count)
        return notified

    def wait_for(self, predicate, timeout=None):
        result = predicate()
        if result:
            return result
        sim = self._sim
        endtime = None if timeout is None else sim.read_clock() + timeout
        waittime = None
        while not result:
            if endtime is not None:
                waittime = endtime - sim.read_clock()
                if waittime <= 0:
                    break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n=1):
        sim = self._sim
        cur = sim.current
        if not self._lock._is_mine(cur):
            raise AssertionError("lock is not owned")
        sim.point_at(self._writes + self._lock._gives)   # woken waiters move to the lock
        waiters = self._waiters
        woken = waiters[:n]
        del waiters[:n]
        lock = self._lock
        for p in woken:
            p.blocked_on = None
            sim.wake(p)
            # its next step is taking the lock, which cur holds: it waits for the lock now
            # (the release wakes it), instead of running only to find the lock held
            sim.reblock(p, lock)
        if woken:
            sim.touch(lock._id, GIVE)
        if sim.log is not None:
            who = ", ".join(p.label for p in woken)
            sim.ev(cur, "notifies", self, f" (wakes {who})" if woken else " (nobody is waiting)")

    def notify_all(self):
        self.notify(n=sys.maxsize)

    def __repr__(self):
        return f"<Condition({self._lock!r}, {len(self._waiters)})>"


# --------------------------------------------------------------------------- event
class Event(Prim):
    kind = "Event"
    __slots__ = ("_flag", "_waiters")

    def __init__(self, sim):
        self._flag = False
        self._waiters = []
        Prim.__init__(self, sim)

    def is_set(self):
        sim = self._sim
        cur = sim.point_at(self._reads)
        if sim.log is not None:
            sim.ev(cur, "checks", self, " (set)" if self._flag else " (not set)")
        return self._flag

    def set(self):
        sim = self._sim
        cur = sim.point_at(self._writes)
        self._flag = True
        if sim.log is not None:
            who = ", ".join(p.label for p in self._waiters)
            sim.ev(cur, "sets", self, f" (wakes {who})" if who else "")
        sim.wake_all(self)

    def clear(self):
        sim = self._sim
        cur = sim.point_at(self._writes)
        self._flag = False
        if sim.log is not None:
            sim.ev(cur, "clears", self)

    def wait(self, timeout=None):
        sim = self._sim
        cur = sim.point_at(_accesses(self._writes, timeout))
        if self._flag:
            return True
        if not cur.pid:
            if timeout is None:
                raise RuntimeError("setup/check code would wait forever on an Event "
                                   "that is not set")
            sim.clock = deadline_of(sim, timeout)
            return False
        deadline = deadline_of(sim, timeout)
        if deadline is not None and deadline <= sim.clock:
            return False
        if sim.log is not None:
            sim.ev(cur, "waits on", self)
        sim.block(cur, self, deadline)
        flag = self._flag
        if sim.log is not None:
            sim.ev(cur, "returns from", self, f".wait() -> {flag}")
        return flag

    def __repr__(self):
        return f"<Event at {id(self):#x} {'set' if self._flag else 'unset'}>"


# --------------------------------------------------------------------------- barrier
class Barrier(Prim):
    """threading.Barrier semantics (which multiprocessing.Barrier reuses)."""

    kind = "Barrier"
    __slots__ = ("_parties", "_action", "_timeout", "_count", "_broken", "_waiters")

    def __init__(self, sim, parties, action=None, timeout=None):
        if parties < 1:
            raise ValueError("parties must be >= 1")
        self._parties = parties
        self._action = action
        self._timeout = timeout      # the default for wait()
        self._count = 0              # processes arrived in the current round
        self._broken = False
        self._waiters = []
        Prim.__init__(self, sim)

    @property
    def parties(self):
        return self._parties

    @property
    def n_waiting(self):
        self._sim.point_at(self._reads)
        return self._count

    @property
    def broken(self):
        self._sim.point_at(self._reads)
        return self._broken

    def wait(self, timeout=None):
        sim = self._sim
        if timeout is None:
            timeout = self._timeout
        cur = sim.point_at(_accesses(self._writes, timeout))
        if self._broken:
            raise BrokenBarrierError
        index = self._count
        self._count += 1
        if sim.log is not None:
            sim.ev(cur, "arrives at", self, f" ({index + 1} of {self._parties})")
        if index + 1 == self._parties:
            if self._action is not None:
                try:
                    self._action()
                except BaseException:
                    self._break()
                    raise
                finally:
                    sim.touch(self._id)  # the action may have had scheduling points
            released = self._release_all("pass")
            if sim.log is not None and released:
                sim.ev(cur, "releases", self, " (" + ", ".join(p.label for p in released) + " pass)")
            return index
        if not cur.pid:
            self._count -= 1
            raise RuntimeError("setup/check code cannot wait on a Barrier")
        deadline = deadline_of(sim, timeout)
        cur.wake_value = None
        if deadline is not None and deadline <= sim.clock:
            timed_out = True
        else:
            timed_out = sim.block(cur, self, deadline)
        if cur.wake_value == "pass":
            return index
        if timed_out and cur.wake_value is None:
            self._break()
        raise BrokenBarrierError

    def _release_all(self, how):
        """Wake every waiting process with ``how`` ("pass" or "broken"); a new round starts."""
        sim = self._sim
        waiters, self._waiters = self._waiters, []
        self._count = 0
        for p in waiters:
            p.wake_value = how
            p.blocked_on = None
            sim.wake(p)
        return waiters

    def _break(self):
        self._broken = True
        self._release_all("broken")

    def abort(self):
        self._sim.point_at(self._writes)
        self._break()

    def reset(self):
        self._sim.point_at(self._writes)
        self._release_all("broken")
        self._broken = False

    def __repr__(self):
        return (f"<Barrier(parties={self._parties}, waiting={self._count}, "
                f"broken={self._broken})>")

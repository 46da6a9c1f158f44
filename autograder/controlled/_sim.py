"""The core of the controlled runtime: one simulation = one schedule.

Simulated processes are greenlets that run one at a time.  Every operation on a
controlled primitive calls :meth:`Sim.point` first; that is a *scheduling point* where
the strategy picks which runnable process continues.  Switching is direct (process to
process), the parent greenlet only regains control when a process finishes or the run
ends (deadlock, failure, step budget).

Time is virtual: a blocked process with a deadline is woken only when every live
process is blocked, by advancing ``Sim.clock`` to the earliest deadline.
"""
from __future__ import annotations

import ctypes
import itertools
import threading
import time as _time

from greenlet import greenlet, GreenletExit, getcurrent

__all__ = ["Sim", "Proc", "HangAbort", "ForeignPrimitiveError", "virtual_time", "Watchdog"]

_real_sleep = _time.sleep
_real_monotonic = _time.monotonic
_real_perf_counter = _time.perf_counter
_real_time = _time.time
_real_monotonic_ns = _time.monotonic_ns
_real_perf_counter_ns = _time.perf_counter_ns
_real_time_ns = _time.time_ns

#: virtual clocks start here so that code treating 0 specially is not surprised
MONOTONIC_BASE = 1000.0
WALL_BASE = 1_700_000_000.0


class HangAbort(BaseException):
    """Injected by the watchdog into a process that runs without any scheduling point."""


class ForeignPrimitiveError(RuntimeError):
    """A real multiprocessing lock/semaphore was created while a controlled run is active
    (it would block the whole simulation in C, out of the scheduler's reach)."""


class Proc:
    """One simulated process (pid >= 1) or the parent (pid 0)."""

    __slots__ = ("pid", "label", "fn", "glet", "result", "exc", "tb", "steps",
                 "blocked_on", "deadline", "timed_out", "finished", "wake_value",
                 "block_kind")

    def __init__(self, pid, fn=None):
        self.pid = pid
        self.label = f"P{pid}" if pid else "parent"
        self.fn = fn
        self.glet = None
        self.result = None
        self.exc = None
        self.tb = None
        self.steps = 0
        self.blocked_on = None
        self.deadline = None
        self.timed_out = False
        self.finished = False
        self.wake_value = None
        self.block_kind = None

    def __repr__(self):
        return self.label


_serials = itertools.count()


class Sim:
    """State of one run.  Created per schedule; primitives hold a reference to it."""

    def __init__(self, choose, step_budget=20_000, log=False):
        self.serial = next(_serials)    # tells runs apart for the watchdog
        self.choose = choose            # (runnable, cur) -> Proc
        self.budget = step_budget
        self.step_budget = step_budget
        self.steps = 0
        self.clock = 0.0
        self.schedule = []              # chosen pid at every choice point
        self.log = [] if log else None  # events, only when a timeline is wanted
        self.parent = Proc(0)
        self.current = self.parent
        self.procs = []
        self.runnable = []
        self.timed = []                 # blocked procs with a deadline
        self.live = 0
        self.done = False               # set when the run ends early (failure)
        self.failure = None             # (kind, payload dict)
        self.main = None
        self.prims = []                 # every primitive, creation order
        self.root = None
        self.copies = []                # (proc, its unpickled copy of the shared object)
        self.last_finished = None
        self.quiet = 0                  # >0: inside a Synchronized accessor (timeline)

    # ------------------------------------------------------------------ registry
    def register(self, prim):
        self.prims.append(prim)

    # ------------------------------------------------------------------ events
    def ev(self, proc, verb, prim=None, detail=""):
        self.log.append((proc.pid, verb, prim, detail))

    # ------------------------------------------------------------------ scheduling
    def point(self):
        """A scheduling point.  Returns the process that continues (the caller)."""
        cur = self.current
        if cur.pid:
            self.steps += 1
            if self.steps > self.budget:
                self._over_budget(cur)
            run = self.runnable
            if len(run) > 1:
                nxt = self.choose(run, cur)
                self.schedule.append(nxt.pid)
                if nxt is not cur:
                    self.current = nxt
                    nxt.glet.switch()
                    if self.done:
                        raise GreenletExit
        return cur

    def tick(self):
        """Count a step that is not a scheduling point (virtual-clock reads)."""
        cur = self.current
        if cur.pid:
            self.steps += 1
            if self.steps > self.budget:
                self._over_budget(cur)

    def _over_budget(self, cur):
        if self.done:
            raise GreenletExit
        self.abort("step-budget", proc=cur)

    def abort(self, kind, **payload):
        """End the run with a failure.  From a process this never returns."""
        if self.failure is None:
            self.failure = (kind, payload)
        self.done = True
        self.budget = -1
        if getcurrent() is not self.main:
            self.main.switch()
            raise GreenletExit

    def block(self, cur, prim, deadline, kind="wait"):
        """Block ``cur`` on ``prim`` (or a plain sleep when prim is None) until woken.

        Returns True when it was woken because its deadline passed.
        """
        if self.done:
            raise GreenletExit
        cur.blocked_on = prim
        cur.block_kind = kind
        cur.deadline = deadline
        cur.timed_out = False
        if prim is not None:
            prim._waiters.append(cur)
        self.runnable.remove(cur)
        if deadline is not None:
            self.timed.append(cur)
        nxt = self._next_after(cur)
        if nxt is None:                      # deadlock: abort already recorded
            self.main.switch()
            raise GreenletExit
        if nxt is not cur:
            self.current = nxt
            nxt.glet.switch()
            if self.done:
                raise GreenletExit
        return cur.timed_out

    def wake(self, p, timed_out=False):
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
            p.deadline = None
            self.timed.remove(p)
        run = self.runnable
        pid = p.pid
        i = len(run)
        while i and run[i - 1].pid > pid:
            i -= 1
        run.insert(i, p)

    def wake_all(self, prim):
        ws = prim._waiters
        if ws:
            prim._waiters = []
            for p in ws:
                p.blocked_on = None
                self.wake(p)

    def _next_after(self, cur):
        """Pick who runs after ``cur`` blocked or finished.  None: run is over."""
        run = self.runnable
        if not run:
            if self.live == 0:
                return None
            if not self._advance_time():
                self.abort_deadlock()
                return None
            run = self.runnable
        if len(run) == 1:
            return run[0]
        nxt = self.choose(run, cur)
        self.schedule.append(nxt.pid)
        return nxt

    def _advance_time(self):
        timed = self.timed
        if not timed:
            return False
        t = min(p.deadline for p in timed)
        if t > self.clock:
            self.clock = t
            if self.log is not None:
                self.log.append((0, "time", None, f"{t:g}"))
        for p in sorted([p for p in timed if p.deadline <= t], key=lambda p: p.pid):
            self.wake(p, timed_out=True)
        return True

    def abort_deadlock(self):
        blocked = [p for p in self.procs if not p.finished]
        if self.failure is None:
            self.failure = ("deadlock", {"blocked": blocked})
        self.done = True
        self.budget = -1

    # ------------------------------------------------------------------ time
    def sleep(self, secs):
        if secs < 0:
            raise ValueError("sleep length must be non-negative")
        cur = self.current
        if not cur.pid:
            self.clock += secs
            return
        self.point()
        if secs > 0:
            if self.log is not None:
                self.ev(cur, "sleeps", None, f" {secs:g} s")
            self.block(cur, None, self.clock + secs, "sleep")

    # ------------------------------------------------------------------ running
    def run(self, fns, make_arg):
        """Run processes ``fns`` (callables taking one argument) to completion."""
        self.main = getcurrent()
        procs = self.procs
        for i, fn in enumerate(fns):
            p = Proc(i + 1, fn)
            p.glet = greenlet(self._body_factory(p, make_arg), self.main)
            procs.append(p)
        self.runnable = list(procs)
        self.live = len(procs)
        cur = None
        try:
            while not self.done:
                nxt = self._next_after(cur)
                if nxt is None:
                    break
                self.current = nxt
                nxt.glet.switch()
                cur = self.last_finished
        except BaseException:   # KeyboardInterrupt from a process, or an engine error
            self.done = True
            self.budget = -1
            raise
        finally:
            self.current = self.parent
            if self.done:
                self._kill()

    def _body_factory(self, p, make_arg):
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
                    self.abort("hang", proc=p)
                return
            except SystemExit as e:         # sys.exit() ends a process; 0/None is success
                if self.done:
                    return
                if e.code not in (None, 0) and self._proc_error(p, e):
                    return
                p.result = None
            except Exception as e:  # noqa: BLE001 - every student error is data
                if self.done or self._proc_error(p, e):
                    return
            # any other BaseException (KeyboardInterrupt, a test-runner timeout) propagates
            # to the parent greenlet and ends the exploration
            p.finished = True
            self.live -= 1
            self.runnable.remove(p)
            self.last_finished = p
            if self.log is not None and p.exc is None:
                self.ev(p, "finishes")
        return body

    def _proc_error(self, p, e):
        """Record an exception escaping process ``p``.  True when the run ends here."""
        p.exc = p.result = e
        if isinstance(e, ForeignPrimitiveError):
            p.finished = True
            self.failure = ("foreign-primitive", {"proc": p, "exc": e})
            self.done = True
            self.budget = -1
            return True
        if self.allow_exceptions:
            if self.log is not None:
                self.ev(p, "raises", None, f" {type(e).__name__}: {e}")
            return False
        p.finished = True
        self.failure = ("exception", {"proc": p, "exc": e})
        self.done = True
        self.budget = -1
        return True

    allow_exceptions = False

    def _kill(self):
        """Unwind every suspended process; primitives are inert while done."""
        self.log_saved = self.log
        self.log = None
        for p in self.procs:
            g = p.glet
            if g is not None and g:  # started and not dead
                self.current = p
                try:
                    g.throw(GreenletExit)
                except BaseException:  # noqa: BLE001
                    pass
        self.log = self.log_saved
        self.current = self.parent


# ---------------------------------------------------------------------- virtual time
_sims = {}                      # thread ident -> active Sim (virtual time for that thread)
_get_ident = threading.get_ident
_patch_lock = threading.Lock()


def _v_sleep(secs):
    sim = _sims.get(_get_ident())
    if sim is None:
        return _real_sleep(secs)
    sim.sleep(secs)


def _v_monotonic():
    sim = _sims.get(_get_ident())
    if sim is None:
        return _real_monotonic()
    sim.tick()
    return MONOTONIC_BASE + sim.clock


def _v_perf_counter():
    sim = _sims.get(_get_ident())
    if sim is None:
        return _real_perf_counter()
    sim.tick()
    return MONOTONIC_BASE + sim.clock


def _v_time():
    sim = _sims.get(_get_ident())
    if sim is None:
        return _real_time()
    sim.tick()
    return WALL_BASE + sim.clock


def _v_monotonic_ns():
    sim = _sims.get(_get_ident())
    if sim is None:
        return _real_monotonic_ns()
    sim.tick()
    return int((MONOTONIC_BASE + sim.clock) * 1e9)


def _v_perf_counter_ns():
    sim = _sims.get(_get_ident())
    if sim is None:
        return _real_perf_counter_ns()
    sim.tick()
    return int((MONOTONIC_BASE + sim.clock) * 1e9)


def _v_time_ns():
    sim = _sims.get(_get_ident())
    if sim is None:
        return _real_time_ns()
    sim.tick()
    return int((WALL_BASE + sim.clock) * 1e9)


try:
    import multiprocessing.synchronize as _mp_sync
    _real_semlock_init = _mp_sync.SemLock.__init__
except ImportError:  # pragma: no cover - platforms without sem_open
    _mp_sync = None
    _real_semlock_init = None


def _guarded_semlock_init(self, *args, **kwargs):
    sim = _sims.get(_get_ident())
    if sim is not None and sim.current.pid:     # inside a simulated process
        kind = type(self).__name__
        raise ForeignPrimitiveError(
            f"created a multiprocessing {kind} that does not come from ctx (for example "
            f"multiprocessing.{kind}() or a lock inside multiprocessing.Value/Condition/"
            f"Event): every lock and shared value must be created from the ctx passed to "
            f"the constructor")
    return _real_semlock_init(self, *args, **kwargs)


import os as _os

try:
    import _posixsubprocess
    _real_fork_exec = _posixsubprocess.fork_exec
except ImportError:  # pragma: no cover - Windows
    _posixsubprocess = None
    _real_fork_exec = None
_real_fork = getattr(_os, "fork", None)


def _refuse_real_process(real):
    """A real process started during a simulation would escape the scheduler (and one per
    explored schedule would flood the machine), so it is refused with a reason."""
    def guarded(*args, **kwargs):
        if _sims.get(_get_ident()) is not None:
            raise RuntimeError(
                "started a real process (os.fork, subprocess or multiprocessing) inside the "
                "exercise class: the class must only use the ctx it is given; the checks start "
                "the processes themselves")
        return real(*args, **kwargs)
    return guarded


_PATCHES = {
    "sleep": _v_sleep, "monotonic": _v_monotonic, "perf_counter": _v_perf_counter,
    "time": _v_time, "monotonic_ns": _v_monotonic_ns,
    "perf_counter_ns": _v_perf_counter_ns, "time_ns": _v_time_ns,
}


class virtual_time:
    """Context manager: while active, ``time.sleep/monotonic/perf_counter/time`` (and the
    ``_ns`` variants) are virtual in the calling thread once :meth:`activate` names a Sim;
    other threads keep the real clocks.  The originals are restored on exit, also on
    exceptions.  Nestable and usable from several threads."""

    _users = 0
    _saved = None

    def __enter__(self):
        self._tid = _get_ident()
        self._prev = _sims.get(self._tid)
        with _patch_lock:
            cls = virtual_time
            if cls._users == 0:
                cls._saved = {name: getattr(_time, name) for name in _PATCHES}
                for name, fn in _PATCHES.items():
                    setattr(_time, name, fn)
                if _mp_sync is not None:
                    _mp_sync.SemLock.__init__ = _guarded_semlock_init
                if _real_fork is not None:
                    _os.fork = _refuse_real_process(_real_fork)
                if _real_fork_exec is not None:
                    _posixsubprocess.fork_exec = _refuse_real_process(_real_fork_exec)
            cls._users += 1
        return self

    def __exit__(self, *exc):
        if self._prev is None:
            _sims.pop(self._tid, None)
        else:
            _sims[self._tid] = self._prev
        with _patch_lock:
            cls = virtual_time
            cls._users -= 1
            if cls._users == 0:
                for name, fn in cls._saved.items():
                    setattr(_time, name, fn)
                cls._saved = None
                if _mp_sync is not None:
                    _mp_sync.SemLock.__init__ = _real_semlock_init
                if _real_fork is not None:
                    _os.fork = _real_fork
                if _real_fork_exec is not None:
                    _posixsubprocess.fork_exec = _real_fork_exec
        return False

    @staticmethod
    def activate(sim):
        _sims[_get_ident()] = sim


# ---------------------------------------------------------------------- watchdog
_SetAsyncExc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_SetAsyncExc.argtypes = (ctypes.c_ulong, ctypes.py_object)


class Watchdog:
    """Interrupts a simulated process that runs ``limit`` wall seconds without reaching
    any scheduling point (a spin on non-shared state never yields to the scheduler)."""

    def __init__(self, limit):
        self.limit = limit
        self.tid = _get_ident()
        self.sim = None
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        if self.limit:
            self._thread = threading.Thread(target=self._loop, name="controlled-watchdog",
                                            daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        return False

    def _loop(self):
        interval = min(0.1, self.limit / 4)
        last = None
        since = _real_monotonic()
        while not self._stop.wait(interval):
            sim = self.sim
            mark = (sim.serial if sim is not None else None,
                    sim.steps if sim is not None else 0,
                    sim.done if sim is not None else None)
            now = _real_monotonic()
            if mark != last or sim is None or sim.done:
                last = mark
                since = now
                continue
            if now - since >= self.limit:
                _SetAsyncExc(self.tid, HangAbort)
                since = now

"""What is patched while a controlled run is active, and the watchdog that watches it.

* Virtual time: ``time.sleep/monotonic/perf_counter/time`` (and the ``_ns`` variants)
  follow the active :class:`~._sim.Sim` of the calling thread; other threads keep the
  real clocks.  In a simulated process a clock read is a scheduling point.
* Guards: a real multiprocessing lock created inside a simulated process (it would block
  the whole simulation in C) raises :class:`ForeignPrimitiveError`; starting a real
  process (``os.fork``, ``subprocess``) during a run raises RuntimeError.
* :class:`Watchdog`: interrupts a process that runs without reaching any scheduling point.
"""
from __future__ import annotations

import ctypes
import os
import threading
import time

from autograder.deadlines import machine_share
from autograder.sharing import REAL_PROCESS_REFUSED, foreign_created_sentence

from ._sim import MONOTONIC_BASE, WALL_BASE, ForeignPrimitiveError, HangAbort

__all__ = ["virtual_time", "Watchdog", "active_sim", "REAL_TO_VIRTUAL", "real_perf_counter"]

_sims = {}                      # thread ident -> the Sim active in that thread
_get_ident = threading.get_ident
_patch_lock = threading.Lock()


def active_sim():
    """The Sim active in the calling thread (None outside a controlled run)."""
    return _sims.get(_get_ident())


def _virtual_clock(real, base, ns=False):
    """A replacement for the clock function ``real``: virtual in a controlled run."""
    def clock():
        sim = _sims.get(_get_ident())
        if sim is None:
            return real()
        t = base + sim.read_clock()
        return int(t * 1e9) if ns else t
    clock.__name__ = real.__name__
    clock.__doc__ = f"time.{real.__name__}, on the virtual clock during a controlled run"
    return clock


def _virtual_sleep(secs):
    sim = _sims.get(_get_ident())
    if sim is None:
        return _REAL["sleep"](secs)
    sim.sleep(secs)


_REAL = {name: getattr(time, name) for name in (
    "sleep", "monotonic", "perf_counter", "time", "monotonic_ns", "perf_counter_ns", "time_ns")}
real_perf_counter = _REAL["perf_counter"]

_PATCHES = {
    "sleep": _virtual_sleep,
    "monotonic": _virtual_clock(_REAL["monotonic"], MONOTONIC_BASE),
    "perf_counter": _virtual_clock(_REAL["perf_counter"], MONOTONIC_BASE),
    "time": _virtual_clock(_REAL["time"], WALL_BASE),
    "monotonic_ns": _virtual_clock(_REAL["monotonic_ns"], MONOTONIC_BASE, ns=True),
    "perf_counter_ns": _virtual_clock(_REAL["perf_counter_ns"], MONOTONIC_BASE, ns=True),
    "time_ns": _virtual_clock(_REAL["time_ns"], WALL_BASE, ns=True),
}

#: each real time function -> its virtual replacement (for names bound by ``from time import``)
REAL_TO_VIRTUAL = {_REAL[name]: fn for name, fn in _PATCHES.items()}


# ---------------------------------------------------------------------- guards
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
        raise ForeignPrimitiveError(foreign_created_sentence(kind))
    return _real_semlock_init(self, *args, **kwargs)


try:
    import _posixsubprocess
    _real_fork_exec = _posixsubprocess.fork_exec
except ImportError:  # pragma: no cover - Windows
    _posixsubprocess = None
    _real_fork_exec = None
_real_fork = getattr(os, "fork", None)


def _refuse_real_process(real):
    """A real process started during a simulation would escape the scheduler (and one per
    explored schedule would flood the machine), so it is refused with a reason."""
    def guarded(*args, **kwargs):
        if _sims.get(_get_ident()) is not None:
            raise RuntimeError(REAL_PROCESS_REFUSED)
        return real(*args, **kwargs)
    return guarded


def _install():
    for name, fn in _PATCHES.items():
        setattr(time, name, fn)
    if _mp_sync is not None:
        _mp_sync.SemLock.__init__ = _guarded_semlock_init
    if _real_fork is not None:
        os.fork = _refuse_real_process(_real_fork)
    if _real_fork_exec is not None:
        _posixsubprocess.fork_exec = _refuse_real_process(_real_fork_exec)


def _uninstall():
    for name, fn in _REAL.items():
        setattr(time, name, fn)
    if _mp_sync is not None:
        _mp_sync.SemLock.__init__ = _real_semlock_init
    if _real_fork is not None:
        os.fork = _real_fork
    if _real_fork_exec is not None:
        _posixsubprocess.fork_exec = _real_fork_exec


class virtual_time:
    """Context manager: while active, the patches above are installed (once, however many
    threads or nested uses), and :meth:`activate` makes a Sim the calling thread's.  The
    originals are restored when the last user exits, also on exceptions."""

    _users = 0

    def __init__(self):
        self._tid = None
        self._prev = None

    def __enter__(self):
        self._tid = _get_ident()
        self._prev = _sims.get(self._tid)
        with _patch_lock:
            if virtual_time._users == 0:
                _install()
            virtual_time._users += 1
        return self

    def __exit__(self, *exc):
        if self._prev is None:
            _sims.pop(self._tid, None)
        else:
            _sims[self._tid] = self._prev
        with _patch_lock:
            virtual_time._users -= 1
            if virtual_time._users == 0:
                _uninstall()
        return False

    @staticmethod
    def activate(sim):
        _sims[_get_ident()] = sim


# ---------------------------------------------------------------------- watchdog
_SetAsyncExc = ctypes.pythonapi.PyThreadState_SetAsyncExc
_SetAsyncExc.argtypes = (ctypes.c_ulong, ctypes.py_object)
_real_monotonic = _REAL["monotonic"]


class _ThreadMeter:
    """Seconds a thread spent since the last :meth:`sample`, as the Watchdog counts them: its
    own CPU time, or wall-clock time in machine share (autograder.deadlines), whichever is
    larger. CPU time catches a spin at once; machine share covers a blocking call in C (no
    CPU used) without counting every second of a machine too busy to run the thread."""

    def __init__(self, ident):
        try:
            self._clock = time.pthread_getcpuclockid(ident)
            time.clock_gettime(self._clock)
        except (AttributeError, OSError):
            self._clock = None
        self._wall = self._cpu = None

    def sample(self) -> float:
        wall = _real_monotonic()
        cpu = time.clock_gettime(self._clock) if self._clock is not None else 0.0
        previous_wall, previous_cpu = self._wall, self._cpu
        self._wall, self._cpu = wall, cpu
        if previous_wall is None:
            return 0.0
        return max(cpu - previous_cpu, (wall - previous_wall) * machine_share())


class Watchdog:
    """Interrupts a simulated process that runs ``limit`` seconds without reaching any
    scheduling point (a spin on non-shared state never yields to the scheduler).

    The seconds are not plain wall-clock time: on a machine too busy to run the exploring
    thread, wall-clock seconds would turn a correct answer into a "hang" (and the interrupt
    could land outside the engine's handlers). Each interval counts the thread's own CPU time
    or the wall-clock time in machine share, whichever is larger (_ThreadMeter)."""

    def __init__(self, limit):
        self.limit = limit
        self.tid = _get_ident()
        self.sim = None                 # the Sim being watched (set per execution)
        self._stop = threading.Event()
        self._thread = None
        self._meter = _ThreadMeter(self.tid)

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
        spent = 0.0
        meter = self._meter
        meter.sample()
        while not self._stop.wait(interval):
            sim = self.sim
            mark = (sim.serial, sim.steps, sim.done) if sim is not None else None
            used = meter.sample()
            if mark != last or sim is None or sim.done:
                last = mark
                spent = 0.0
                continue
            spent += used
            if spent >= self.limit:
                _SetAsyncExc(self.tid, HangAbort)
                spent = 0.0

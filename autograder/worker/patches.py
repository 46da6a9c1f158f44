"""What a controlled worker changes in its own interpreter, as the engine does in its thread:
``time`` follows the judge's virtual clock (every read and sleep a request), names the answer
bound with ``from time import ...`` too, ``id()``/``hash()`` of shared primitives differ per
process as under spawn (the engine's hooks.per_process_id), and no real process or real
multiprocessing lock may be made where the engine refuses them. None of it is a wall: the
answer may undo it, and only its own verdict could suffer."""
from __future__ import annotations

import math
import os
import time

from autograder.sharing import REAL_PROCESS_REFUSED, foreign_created_sentence

from .stubs import ForeignPrimitiveError, Stub

__all__ = ["virtual_time", "per_process_id", "per_process_hash", "patch_module_globals", "install_guards"]

_MASK = (1 << 64) - 1

_REAL_TIME = {name: getattr(time, name) for name in (
    "sleep", "monotonic", "perf_counter", "time", "monotonic_ns", "perf_counter_ns", "time_ns")}


def virtual_time(rt) -> dict:
    """Make ``time``'s clocks and sleep requests to the judge's virtual clock; returns
    {real function: its virtual replacement} (for names bound by ``from time import ...``)."""
    def clock(name):
        def read():
            return rt.ask({"op": "time", "fn": name})
        read.__name__ = name
        return read

    def sleep(secs):
        if type(secs) in (int, float) and 0 <= secs < math.inf:     # cannot fail: no need to wait
            rt.channel.send({"op": "sleep", "s": secs, "at": rt.where(), "async": True})
        else:
            rt.ask({"op": "sleep", "s": secs})

    replacements = {name: clock(name) for name in _REAL_TIME if name != "sleep"}
    replacements["sleep"] = sleep
    for name, fn in replacements.items():
        setattr(time, name, fn)
    return {_REAL_TIME[name]: fn for name, fn in replacements.items()}


def per_process_id(rt):
    """id() as a spawned process sees the shared primitives (the engine's hooks.per_process_id)."""
    real_id = id

    def fake_id(obj):
        pid = rt.pid
        if pid < 1 or not isinstance(obj, Stub):
            return real_id(obj)
        base = 1_000_000 + 64 * obj._h
        if pid == 1:
            return base
        if pid == 2:
            return _MASK - base
        return ((base * (0x9E3779B97F4A7C15 + 2 * pid)) ^ (pid * 0x5851F42D4C957F2D)) & _MASK
    return fake_id


def per_process_hash(rt, fake_id):
    real_hash = hash

    def fake_hash(obj):
        if isinstance(obj, Stub) and rt.pid >= 1:
            return real_hash(fake_id(obj))
        return real_hash(obj)
    return fake_hash


def patch_module_globals(namespace: dict, real_to_virtual: dict, ids=None) -> None:
    """Names the answer bound with ``from time import ...`` follow the virtual clock; with
    ``ids`` (id, hash), id() and hash() of shared primitives differ per process."""
    for name, value in list(namespace.items()):
        try:
            replacement = real_to_virtual.get(value)
        except Exception:      # an unhashable (or oddly hashing) global
            continue
        if replacement is not None:
            namespace[name] = replacement
    if ids is not None:
        namespace["id"], namespace["hash"] = ids


def install_guards(simulated: bool) -> None:
    """As in the engine's own runs: no real process may start; in a simulated process
    (``simulated``) no real multiprocessing lock may be created."""
    def refuse(*args, **kwargs):
        raise RuntimeError(REAL_PROCESS_REFUSED)

    os.fork = refuse
    try:
        import _posixsubprocess
        _posixsubprocess.fork_exec = refuse
    except ImportError:  # pragma: no cover - not POSIX
        pass
    if simulated:
        try:
            import multiprocessing.synchronize as mp_sync
        except ImportError:  # pragma: no cover - no sem_open
            return

        def guarded_init(self, *args, **kwargs):
            raise ForeignPrimitiveError(foreign_created_sentence(type(self).__name__))
        mp_sync.SemLock.__init__ = guarded_init

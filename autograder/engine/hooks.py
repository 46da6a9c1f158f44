"""What a check may ask of the controlled run in progress in its thread.

Checks run scenario code inside simulated processes (and their own schedulers between
transitions); these functions answer for the run active in the calling thread, so that no
check needs the engine's private state.  Outside a run they answer as for the parent.
"""
from __future__ import annotations

import contextlib

from ._vtime import REAL_TO_VIRTUAL, active_sim
from .context import PRIMITIVE_TYPES
from .sharedctypes import RawArray, RawValue

__all__ = ["current_pid", "shared_memory", "timed_wait_seconds", "per_process_id",
           "per_process_hash", "simulated_globals", "primitives_created", "read_clock", "set_location",
           "logging"]

_MASK = (1 << 64) - 1


def current_pid() -> int:
    """The simulated process running in this thread (1, 2, ...), or 0 outside one."""
    sim = active_sim()
    return sim.current.pid if sim is not None else 0


def shared_memory() -> list:
    """The bytes of every shared value and array of the run, in creation order (a
    snapshot: compare two to see whether some process changed shared memory)."""
    sim = active_sim()
    if sim is None:
        return []
    return [bytes(p._c) for p in sim.prims if isinstance(p, (RawValue, RawArray))]


def primitives_created() -> list:
    """Every primitive of the run, in creation order (the engine's own list: read it, do not
    change it). A primitive's position in it is the same in every execution that creates it."""
    sim = active_sim()
    return sim.prims if sim is not None else []


def read_clock() -> float:
    """The virtual clock (seconds since the run started) as the current process reads it: a
    scheduling point, as every read of the clock is."""
    sim = active_sim()
    return sim.read_clock() if sim is not None else 0.0


def logging() -> bool:
    """Whether the run in progress keeps a timeline (then each step wants its location)."""
    sim = active_sim()
    return sim is not None and sim.log is not None


def set_location(where) -> None:
    """Where in the answer the current process's operation comes from, ``(file, line)`` or
    None, for the timeline (a remote worker says so; in this interpreter the caller's frame is
    looked up instead)."""
    sim = active_sim()
    if sim is not None:
        sim.current.where = where


def timed_wait_seconds() -> float:
    """Virtual seconds the current process has spent blocked in waits with a timeout (and
    sleeps), each counted up to its deadline: time it was kept waiting, not time it was
    kept from running after a timeout expired."""
    sim = active_sim()
    return sim.current.timed_wait_time if sim is not None else 0.0


def per_process_id(obj) -> int:
    """id() as a simulated process sees it.  Real spawned processes each hold their own
    copies of the shared objects, at unrelated addresses, so id() orders them differently
    in different processes: P1 sees the shared primitives in creation order, P2 in the
    reverse order, P3 and later in scrambled orders (fixed, so a verdict and its message
    repeat exactly).  Everything else, and everything outside simulated processes, keeps
    its real id()."""
    sim = active_sim()
    pid = sim.current.pid if sim is not None else 0
    if pid < 1:
        return id(obj)
    base = next((1_000_000 + 64 * i for i, p in enumerate(sim.prims) if p is obj), None)
    if base is None:
        return id(obj)
    if pid == 1:
        return base
    if pid == 2:
        return _MASK - base
    return ((base * (0x9E3779B97F4A7C15 + 2 * pid)) ^ (pid * 0x5851F42D4C957F2D)) & _MASK


def per_process_hash(obj) -> int:
    """hash() to match :func:`per_process_id` for controlled primitives."""
    if isinstance(obj, PRIMITIVE_TYPES) and current_pid() >= 1:
        return hash(per_process_id(obj))
    return hash(obj)


@contextlib.contextmanager
def simulated_globals(namespace: dict, *, per_process_ids: bool = False):
    """While controlled runs use code from a module, patch that module's ``namespace``:

    * names bound by ``from time import monotonic`` (sleep, time, perf_counter, ...) follow
      the virtual clock, as ``time.monotonic()`` does (outside a run they are real);
    * with ``per_process_ids``, ``id()`` and ``hash()`` of shared primitives differ between
      simulated processes, as they do between spawned processes (so ordering locks by id()
      is caught).

    Everything is restored on exit."""
    saved = {}
    missing = object()
    for name, value in list(namespace.items()):
        try:
            replacement = REAL_TO_VIRTUAL.get(value)
        except Exception:      # an unhashable (or oddly hashing) global
            continue
        if replacement is not None:
            saved[name] = value
            namespace[name] = replacement
    if per_process_ids:
        for name, fake in (("id", per_process_id), ("hash", per_process_hash)):
            saved[name] = namespace.get(name, missing)
            namespace[name] = fake
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value

"""Human-readable reports: primitive names, timelines, deadlock cycles, pickling errors."""
from __future__ import annotations

import linecache
import os
import traceback
from dataclasses import dataclass
from typing import Optional

from autograder.sharing import (describe, find_path, find_unpicklable, foreign_sentence, is_real_primitive,
                                real_multiprocessing_types, unpicklable_sentence, walk_names)

from .context import PRIMITIVE_TYPES, ControlledContext
from .primitives import Condition, Lock, RLock, Semaphore
from .sharedctypes import Synchronized
from .waitfor import PARENT, Blocked, deadlock_message, wait_edges

__all__ = ["name_primitives", "Step", "steps_from", "format_timeline", "analyse_deadlock",
           "find_unpicklable", "find_foreign", "short_traceback"]

_PKG_DIR = os.path.dirname(os.path.abspath(__file__))


# --------------------------------------------------------------------------- naming
def name_primitives(root, prims, copies=(), max_depth=5, max_nodes=5000):
    """Map id(primitive) -> human name: the shortest attribute path from ``root``.

    A Value's lock is ``<value>.get_lock()`` unless it also has its own attribute; a
    Condition's own RLock carries the Condition's name.  Primitives that are not reachable
    get ``Kind#n`` (n counts that kind in creation order).
    """
    names = {}
    _walk_names(root, "", names, max_depth, max_nodes)
    for proc, copy in copies:
        # primitives a process created for itself (e.g. a lock made on first use)
        _walk_names(copy, "", names, max_depth, max_nodes, f"{proc.label}'s own ")
    counters = {}
    for p in prims:
        counters[p.kind] = counters.get(p.kind, 0) + 1
        if id(p) not in names:
            names[id(p)] = f"{p.kind}#{counters[p.kind]}"
    return names


def _inner(prim):
    """What a primitive holds, for naming (see autograder.sharing.walk_names)."""
    if isinstance(prim, Synchronized):
        return [(prim._obj, None, 0), (prim._lock, ".get_lock()", 1)]
    if isinstance(prim, Condition):
        return [(prim._lock, None, 1)]
    return []


def _walk_names(root, path, names, max_depth, max_nodes, prefix=""):
    walk_names(root, names, id, lambda o: isinstance(o, PRIMITIVE_TYPES), _inner,
               is_context=lambda o: isinstance(o, ControlledContext), path=path, prefix=prefix,
               max_depth=max_depth, max_nodes=max_nodes)


# --------------------------------------------------------------------------- steps
def _label(pid):
    return f"P{pid}" if pid else "parent"


@dataclass(frozen=True)
class Step:
    """One line of a run's timeline: what one process did to one object, and where.

    ``index`` counts from 1 in the run; ``target`` is the object's name, with the cell for
    an array (``_buf[2]``); ``other`` the second object of a step (the lock a Condition's
    wait releases); ``file`` and ``line`` locate the code that did it (the innermost frame
    outside the engine and the standard library), ``code`` is that line's text."""

    index: int
    pid: int                  # 1, 2, ...; 0 for time passing
    process: str              # "P1", ..., "time"
    verb: str                 # reads, writes, acquires, blocks on, releases, waits on, ...
    target: str = ""
    kind: str = ""            # the object's kind: Lock, RLock, Condition, Value, Array, ...
    detail: str = ""          # what follows the target, e.g. " = 5" or " (held by P1)"
    other: str = ""
    file: Optional[str] = None
    line: Optional[int] = None
    code: str = ""

    @property
    def text(self):
        if self.verb == "time":
            return f"-- every process is blocked; virtual time advances to t={self.detail} s --"
        target = f" {self.target}" if self.target else ""
        return f"{self.process} {self.verb}{target}{self.detail}"

    def __str__(self):
        return self.text


def steps_from(log, names):
    """The logged events of a run as :class:`Step` records."""
    steps = []
    for pid, verb, prim, detail, where in log:
        if verb == "time":
            steps.append(Step(len(steps) + 1, 0, "time", "time", detail=detail))
            continue
        target = kind = other = ""
        if prim is not None:
            target, kind = names.get(id(prim), prim.kind), prim.kind
        if isinstance(detail, tuple):
            fmt, obj = detail
            other = names.get(id(obj), obj.kind)
            detail = fmt.format(other)
        elif kind == "Array" and detail.startswith("["):     # the cell is part of the target
            cell, _, rest = detail.partition("]")
            target, detail = f"{target}{cell}]", rest
        file, line = where if where else (None, None)
        code = linecache.getline(file, line).strip() if file else ""
        steps.append(Step(len(steps) + 1, pid, _label(pid), verb, target, kind, detail, other,
                          file, line, code))
    return steps


# --------------------------------------------------------------------------- timeline
_KEY_VERBS = frozenset({"blocks on", "waits on", "wakes up on", "notifies", "sets", "clears",
                        "times out", "raises", "arrives at", "sleeps", "returns from",
                        "finishes"})


def format_timeline(steps, final=None, max_lines=25, run_limit=6):
    """Render steps as at most ``max_lines`` lines, collapsing long same-process runs."""
    # 1. merge identical consecutive steps (spin loops)
    items = []  # [pid, text, count, key]
    for step in steps:
        text = step.text
        if items and items[-1][0] == step.pid and items[-1][1] == text:
            items[-1][2] += 1
        else:
            items.append([step.pid, text, 1, step.verb in _KEY_VERBS])
    lines = []
    # 2. collapse long runs by one process, keeping its first and last steps and every
    #    event that changes who can run (blocks, waits, notifies, sets, ...)
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j][0] == items[i][0] and items[i][0] != 0:
            j += 1
        j = max(j, i + 1)
        run = items[i:j]
        if len(run) > run_limit:
            keep = [k < 2 or k >= len(run) - 2 or run[k][3] for k in range(len(run))]
        else:
            keep = [True] * len(run)
        k = 0
        while k < len(run):
            if keep[k]:
                r = run[k]
                lines.append(f"{r[1]}  (x{r[2]})" if r[2] > 1 else r[1])
                k += 1
                continue
            m = k
            while m < len(run) and not keep[m]:
                m += 1
            hidden = sum(r[2] for r in run[k:m])
            lines.append(f"{_label(run[0][0])} ... {hidden} more "
                         f"step{'s' if hidden != 1 else ''} ...")
            k = m
        i = j
    # 3. cap the total, keeping the start and (mostly) the end
    budget = max_lines - (1 if final else 0)
    if len(lines) > budget:
        head = budget // 3
        tail = budget - head - 1
        lines = lines[:head] + [f"... {len(lines) - head - tail} lines omitted ..."] + \
            lines[-tail:]
    if final:
        lines.append(final)
    return "\n".join(lines)


# --------------------------------------------------------------------------- deadlock
def _blocked(p, names) -> Blocked:
    """What the blocked simulated process ``p`` waits for, as waitfor's plain data."""
    prim = p.blocked_on
    if prim is None:
        return Blocked(p.label, how="other")
    what = names.get(id(prim), prim.kind)
    if isinstance(prim, (Lock, RLock)):
        owner = prim._owner
        held_by = () if owner is None else (PARENT,) if owner.pid == 0 else (owner.label,)
        return Blocked(p.label, what, "lock", held_by=held_by)
    if isinstance(prim, Condition):
        return Blocked(p.label, what, "notify")
    if isinstance(prim, Semaphore):
        return Blocked(p.label, what, "semaphore")
    if prim.kind == "Event":
        return Blocked(p.label, what, "event")
    if prim.kind == "Barrier":
        return Blocked(p.label, what, "barrier", missing=prim._parties - prim._count)
    return Blocked(p.label, what, "other")


def analyse_deadlock(procs, names):
    """Return (message, cycle as WaitEdges, or None) for a state where every live process is
    blocked (the sentences are autograder.engine.waitfor's)."""
    blocked = [_blocked(p, names) for p in procs if not p.finished]
    message, cycle = deadlock_message(blocked, finished=[p.label for p in procs if p.finished])
    return message, wait_edges(cycle) if cycle else None


# --------------------------------------------------------------------------- pickling
def unpicklable_message(root, path, obj, err):
    return unpicklable_sentence(type(root).__name__, path, describe(obj), f"{type(err).__name__}: {err}")


def find_foreign(root):
    """Primitives from a real multiprocessing context, i.e. not created from ``ctx``."""
    try:
        foreign = real_multiprocessing_types()
    except ImportError:
        return None
    return find_path(root, lambda o: is_real_primitive(o, foreign),
                     lambda o: isinstance(o, PRIMITIVE_TYPES) or isinstance(o, ControlledContext))


def foreign_message(root, path, obj):
    return foreign_sentence(type(root).__name__, path, describe(obj))


# --------------------------------------------------------------------------- tracebacks
def short_traceback(exc, limit=4):
    """The last ``limit`` frames of ``exc`` outside this package, formatted. An exception
    that a worker process relayed carries its own (``remote_traceback``, student frames only)."""
    remote = getattr(exc, "remote_traceback", None)
    if isinstance(remote, str):
        return remote
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not os.path.abspath(f.filename).startswith(_PKG_DIR)
              and "greenlet" not in f.filename]
    frames = frames[-limit:]
    out = "".join(traceback.format_list(frames))
    out += "".join(traceback.format_exception_only(type(exc), exc))
    return out.rstrip("\n")


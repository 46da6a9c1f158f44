"""Which steps of a failing run matter, and what they show.

A shrunk failing schedule still has dozens of steps; a student needs the few that make the
bug. :func:`story` finds them by what happened to the objects involved:

* a **deadlock cycle**: where each process took the lock it holds and where it blocked on
  the next one's (two, three or more processes, or one waiting for itself);
* a **stale wake-up**: a process woken from ``Condition.wait`` goes on without reading
  again what it checked before waiting, after another process changed it in between;
* a **lost update**: a process writes back a shared value (or array cell) computed from a
  read that another process's write has made stale;
* a **lost wake-up** (a deadlock without a cycle): what each process waits on, and the
  notifies, sets and releases that came too early or woke someone else;
* otherwise the steps around each switch from one process to another (the shrunk schedule
  keeps only the switches the failure needs), and the last steps.

The selection keeps the run's step numbers (``Step.index``), so it can be read against the
whole list of steps.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._sim import FailureKind

__all__ = ["Story", "story"]

_SHARED = ("Value", "Array")
_VALUE = re.compile(r" = (.*)$")


@dataclass
class Story:
    pattern: str                  # deadlock-cycle, stale-wakeup, lost-update, lost-wakeup, or ""
    summary: str                  # one sentence: what these steps show ("" if nothing specific)
    steps: list                   # the decisive Steps, in run order
    notes: dict = field(default_factory=dict)   # Step.index -> a short remark on that step


def story(failure, limit: int = 8) -> Story:
    """The decisive steps of ``failure`` (an engine Failure with ``steps``), at most ``limit``."""
    steps = [s for s in failure.steps if s.verb != "time"]
    if failure.kind == FailureKind.DEADLOCK:
        found = _deadlock_cycle(steps, failure.deadlock_cycle) if failure.deadlock_cycle else \
            _lost_wakeup(steps, limit)
    elif failure.kind == FailureKind.CHECK:
        found = _stale_wakeup(steps, limit) or _lost_update(steps, limit)
    else:
        found = None
    return found or _switches(steps, limit, failure.kind)


# ---------------------------------------------------------------- helpers
def _and(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _value(step):
    m = _VALUE.search(step.detail)
    return m.group(1) if m else None


def _last(steps, before, pred):
    return next((s for s in reversed(steps[:before]) if pred(s)), None)


def _position(steps, step):
    return next(i for i, s in enumerate(steps) if s.index == step.index)


def _capped(chosen, limit, keep=()):
    """At most ``limit`` steps in run order, dropping from the middle but never those in ``keep``."""
    unique = sorted({s.index: s for s in chosen}.values(), key=lambda s: s.index)
    must = {s.index for s in keep}
    while len(unique) > limit:
        middle = [s for s in unique[1:-1] if s.index not in must]
        if not middle:
            break
        unique.remove(middle[len(middle) // 2])
    return unique


# ---------------------------------------------------------------- deadlocks
def _deadlock_cycle(steps, cycle):
    chosen, procs = [], []
    for edge in cycle:
        procs.append(edge.process)
        blocked = _last(steps, len(steps), lambda s: s.process == edge.process and
                        s.verb == "blocks on" and s.target == edge.waits_for)
        end = _position(steps, blocked) if blocked else len(steps)
        took = _last(steps, end, lambda s: s.process == edge.process and s.verb == "acquires" and
                     s.target == edge.holds)
        chosen += [s for s in (took, blocked) if s is not None]
    if len(cycle) == 1:
        edge = cycle[0]
        summary = (f"{edge.process} waits for {edge.waits_for}, which it holds itself (a Lock is "
                   f"not re-entrant), so it can never go on")
    elif len(cycle) == 2:
        summary = (f"{procs[0]} and {procs[1]} each hold one lock and wait for the other's, so "
                   f"neither can ever go on")
    else:
        ring = " -> ".join(procs + procs[:1])
        summary = (f"{_and(procs)} each hold one lock and wait for the next one's, in a cycle "
                   f"({ring}), so none of them can ever go on")
    return Story("deadlock-cycle", summary, _capped(chosen, 2 * len(cycle)))


def _lost_wakeup(steps, limit):
    """Everyone left waits: on what, and which wake-ups came before they waited."""
    last_of = {}
    for s in steps:
        if s.pid:
            last_of[s.process] = s
    waiting = [s for s in last_of.values() if s.verb in ("waits on", "blocks on", "arrives at")]
    if not waiting:
        return None
    targets = {s.target for s in waiting}
    notes, chosen = {}, list(waiting)
    for s in waiting:
        i = _position(steps, s)
        check = _last(steps, i, lambda t: t.process == s.process and t.verb == "reads")
        if check is not None and s.verb == "waits on":
            chosen.append(check)
    signals = [s for s in steps if s.target in targets and s.verb in ("notifies", "sets", "releases")]
    for s in signals[-3:]:
        chosen.append(s)
        if "nobody is waiting" in s.detail:
            notes[s.index] = "nobody was waiting yet: this wake-up is lost"
    who = sorted({s.process for s in waiting})
    on = _and(sorted(targets))
    summary = (f"{_and(who)} {'waits' if len(who) == 1 else 'wait'} on {on}, and no process is "
               f"left that could wake {'it' if len(who) == 1 else 'them'}")
    return Story("lost-wakeup", summary, _capped(chosen, limit, keep=waiting), notes)


# ---------------------------------------------------------------- conditions
def _stale_wakeup(steps, limit):
    """A process woken from wait() that goes on without reading again what it checked;
    preferably one for which another process changed that after the notify."""
    candidates = [found for w in range(len(steps)) if (found := _woken_without_check(steps, w))]
    if not candidates:
        return None
    best = next((c for c in candidates if c["changes"]), candidates[0])
    me, var, lock, notify = best["me"], best["var"], best["lock"], best["notify"]
    wait, woke, acted, changes = best["wait"], best["woke"], best["acted"], best["changes"]
    now = _value(changes[-1]) if changes else None
    iw = _position(steps, wait)
    chosen = [s for s in (_last(steps, iw, lambda s: s.process == me and s.verb == "reads"),
                          wait, notify, woke, acted) if s is not None]
    by = f" by {notify.process}'s notify" if notify else ""
    start = _position(steps, notify) + 1 if notify else iw + 1
    thief_took = next((s for s in steps[start:_position(steps, acted)] if s.process != me and
                       s.verb == "acquires" and s.target == lock), None)
    if thief_took is not None and changes and changes[-1].process == thief_took.process:
        thief = thief_took.process
        chosen += [thief_took, changes[-1]]
        chosen += [s for s in steps[_position(steps, thief_took):_position(steps, changes[-1])]
                   if s.process == thief and s.verb == "reads" and s.target == var][:1]
        summary = (f"{me} was woken{by}, but {thief} took {lock} first and changed {var} to {now}; "
                   f"then {me} went on without checking {var} again")
    elif changes:
        chosen.append(changes[-1])
        summary = (f"{me} was woken{by}; {changes[-1].process} changed {var} to {now} before {me} "
                   f"went on, and {me} did not check {var} again")
    else:
        summary = f"{me} was woken{by} and went on without checking {var} again"
    notes = {acted.index: f"{me} does not check {var} again after waking"}
    return Story("stale-wakeup", summary, _capped(chosen, limit, keep=[wait, woke, acted]), notes)


def _woken_without_check(steps, w):
    """If steps[w] is a notified wake-up after which that process uses shared state without
    reading again what it read before waiting: what happened (else None)."""
    woke = steps[w]
    if woke.verb != "wakes up on" or "notified" not in woke.detail:
        return None
    me, cond = woke.process, woke.target
    wait = _last(steps, w, lambda s: s.process == me and s.verb == "waits on" and s.target == cond)
    if wait is None:
        return None
    lock = wait.other or cond
    iw = _position(steps, wait)
    took = _last(steps, iw, lambda s: s.process == me and s.verb == "acquires" and s.target == lock)
    checked = {s.target for s in steps[_position(steps, took) if took else 0:iw]
               if s.process == me and s.verb == "reads"}
    if not checked:
        return None
    acted = next((s for s in steps[w + 1:] if s.process == me and
                  (s.verb in ("reads", "writes", "waits on") or
                   (s.verb == "releases" and s.target == lock))), None)
    if acted is None or acted.verb == "waits on" or (acted.verb == "reads" and acted.target in checked):
        return None                                   # it checked again (a while loop)
    notify = _last(steps, w, lambda s: s.verb == "notifies" and s.target == cond and
                   re.search(rf"\b{me}\b", s.detail) is not None)
    since = _position(steps, notify) + 1 if notify else iw + 1
    changes = [s for s in steps[since:_position(steps, acted)]
               if s.process != me and s.verb == "writes" and s.target in checked]
    var = changes[-1].target if changes else sorted(checked)[0]
    return {"me": me, "var": var, "lock": lock, "notify": notify, "wait": wait, "woke": woke,
            "acted": acted, "changes": changes}


# ---------------------------------------------------------------- shared memory
def _lost_update(steps, limit):
    """A write computed from a read that another process's write made stale."""
    last_read = {}                    # (process, target) -> position of its latest read
    for j, s in enumerate(steps):
        if s.kind not in _SHARED:
            continue
        key = (s.process, s.target)
        if s.verb == "reads":
            last_read[key] = j
            continue
        if s.verb != "writes" or key not in last_read:
            continue
        i = last_read[key]
        others = [t for t in steps[i + 1:j] if t.target == s.target and t.process != s.process]
        lost = [t for t in others if t.verb == "writes"]
        if not lost:
            continue
        read = steps[i]
        who = sorted({t.process for t in lost})
        numbers = [str(t.index) for t in lost]
        summary = (f"{s.process} read {s.target} at step {read.index} and wrote it back at step "
                   f"{s.index}, computed from that read, after {_and(who)} had changed it: "
                   f"{_and(who)}'s update{'s' if len(lost) > 1 else ''} at step"
                   f"{'s' if len(lost) > 1 else ''} {_and(numbers)} {'were' if len(lost) > 1 else 'was'} lost")
        chosen = [read] + others + [s]
        notes = {s.index: f"overwrites {_and(who)}'s update with one from a stale read"}
        return Story("lost-update", summary, _capped(chosen, limit, keep=[read, s, lost[-1]]), notes)
    return None


# ---------------------------------------------------------------- anything else
def _switches(steps, limit, kind):
    """The steps around each switch between processes, and the last ones."""
    visible = [s for s in steps if s.verb != "finishes"]
    if not visible:
        return Story("", "", [])
    chosen = []
    for a, b in zip(visible, visible[1:]):
        if a.process != b.process:
            chosen += [a, b]
    tail = visible[-3:]
    if kind == FailureKind.STEP_BUDGET:
        tail = visible[-4:]
    chosen = _capped(chosen + tail, limit, keep=tail)
    while len(chosen) > limit:          # keep the last ones: the failure is at the end
        chosen.pop(0)
    return Story("", "", chosen)

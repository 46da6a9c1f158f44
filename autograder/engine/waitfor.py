"""Why blocked processes cannot go on: their wait-for cycle, and a sentence for each.

Two callers ask the same question with different facts at hand: the engine, when every
live simulated process is blocked (``autograder.engine.explore``), and a lesson's trace of
real processes still running at the deadline (``course.trace.Trace.report``). Each turns
what it knows into :class:`Blocked` records, plain data; this module finds the cycle and
writes the sentences.

The two speak in different voices: the engine's is one line of a grader's failure message,
in the present tense, about a state it can inspect (a semaphore's value, how many parties a
barrier still lacks); a lesson's tells what happened in a run that has been killed, in the
past tense, with each primitive's kind. Every sentence is written once, below; a
:class:`Voice` holds the few phrases in which the two differ.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

__all__ = ["Blocked", "Voice", "ENGINE", "LESSON", "PARENT", "WaitEdge", "find_cycle",
           "wait_edges", "deadlock_message", "stuck_report"]

PARENT = "the parent (setup)"     # a holder that is the engine's parent: it never runs again


@dataclass(frozen=True)
class Blocked:
    """One process that cannot go on, as far as its caller can tell.

    ``how`` it waits: ``"lock"`` (an acquire; one owner), ``"semaphore"`` (an acquire; any
    number of holders), ``"notify"`` (``Condition.wait``), ``"event"``, ``"barrier"``,
    ``"call"`` (a blocking call the caller cannot see inside), ``"other"``, ``None`` (not
    waiting for anything the caller can see), ``"unseen"`` (the caller knows nothing of it).
    An edge of the wait-for graph goes to each process of ``held_by`` that is blocked too.
    """
    process: str                        # "P1"
    waits_for: str | None = None        # what it waits for, named as the caller names things
    how: str | None = "lock"
    holds: tuple[str, ...] = ()         # what it holds, named the same way
    held_by: tuple[str, ...] = ()       # who holds what it waits for (a lock or semaphore)
    missing: int | None = None          # a barrier: how many parties have not arrived


@dataclass(frozen=True)
class Voice:
    """The phrases in which the engine's sentences and a lesson's differ (``{what}`` is the
    primitive, ``{who}`` the holders that ended, ``{missing}`` a barrier's missing parties)."""
    notify: str
    event: str
    barrier: str
    empty_semaphore: str                # a semaphore nobody is known to hold
    held_by_ended: str                  # ``{who}``: holders that ended without releasing it
    held_by_all_ended: str              # the same, for several holders


ENGINE = Voice(
    notify="waits on {what} for a notify that never comes",
    event="waits for {what} to be set",
    barrier="waits at {what} for {missing} more process(es)",
    empty_semaphore="waits for {what} (value 0) to be released",
    held_by_ended="waits for {what}, held by {who}, which finished without releasing it",
    held_by_all_ended="waits for {what}, held by {who}, which all finished without releasing it",
)
LESSON = Voice(
    notify="waits on {what} for a notify that never came",
    event="waits for {what}, which nobody set",
    barrier="waits at {what} for parties that never arrived",
    empty_semaphore="waits for {what}",
    held_by_ended="waits for {what} (held by {who}, which ended without releasing it: nobody ever will)",
    held_by_all_ended="waits for {what} (held by {who}, which all ended without releasing it: "
                      "nobody ever will)",
)

WaitEdge = namedtuple("WaitEdge", "process holds waits_for held_by")
WaitEdge.__doc__ = ("One process in a deadlock cycle: ``process`` holds ``holds`` and "
                    "waits for ``waits_for``, which ``held_by`` holds.")


def find_cycle(blocked) -> list[Blocked] | None:
    """A cycle of the wait-for graph (P -> Q: P waits for something Q holds, and Q is
    blocked too), starting at its process that comes first in ``blocked``; or None."""
    order = {b.process: k for k, b in enumerate(blocked)}
    waiting = {b.process: b for b in blocked if b.how in ("lock", "semaphore")}

    def successor(b: Blocked) -> Blocked | None:
        # With several holders (a semaphore), follow the first one that waits in its turn.
        return next((waiting[q] for q in b.held_by if q in waiting and waiting[q].held_by), None)

    for start in blocked:
        path, seen = [], set()
        b = waiting.get(start.process)
        while b is not None and b.process not in seen:
            path.append(b)
            seen.add(b.process)
            b = successor(b)
        if b is not None:
            ring = path[[p.process for p in path].index(b.process):]
            first = min(range(len(ring)), key=lambda k: order[ring[k].process])
            return ring[first:] + ring[:first]
    return None


def wait_edges(cycle: list[Blocked]) -> list[WaitEdge]:
    """The cycle as edges: each process holds what the one before it waits for."""
    return [WaitEdge(b.process, cycle[k - 1].waits_for, b.waits_for, cycle[(k + 1) % len(cycle)].process)
            for k, b in enumerate(cycle)]


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _waits(b: Blocked, ended, voice: Voice) -> str:
    """What ``b`` waits for, and why nobody will give it: "waits for X (held by P2)"."""
    what = b.waits_for
    if b.how == "call":
        return f"is blocked in {what}"
    if b.how == "notify":
        return voice.notify.format(what=what)
    if b.how == "event":
        return voice.event.format(what=what)
    if b.how == "barrier":
        return voice.barrier.format(what=what, missing=b.missing)
    if b.how == "other":
        return f"waits on {what}" if what else "is blocked"
    if not b.held_by:
        if what in b.holds:
            return f"waits for {what}, which it already holds itself"
        return voice.empty_semaphore.format(what=what) if b.how == "semaphore" else f"waits for {what}"
    if b.held_by == (PARENT,):
        return f"waits for {what}, held by {PARENT} and never released"
    gone = [q for q in b.held_by if q in ended]
    if gone:
        phrase = voice.held_by_ended if len(gone) == 1 else voice.held_by_all_ended
        return phrase.format(what=what, who=_and(gone))
    return f"waits for {what} (held by {_and(b.held_by)})"


def describe(b: Blocked, ended=(), voice: Voice = LESSON) -> str:
    """One clause on ``b``: "P1 holds lock A and waits for lock B (held by P2)"."""
    if b.how == "unseen":
        return (f"{b.process} used no traced primitive (it is blocked on something the tracer "
                f"does not see, or still working)")
    holds = " holds " + " and ".join(dict.fromkeys(b.holds)) if b.holds else ""
    if b.how is None:
        return f"{b.process}{holds or ' holds nothing'} and is not waiting (still working, or in an endless loop)"
    waits = _waits(b, set(ended), voice)
    return f"{b.process}{holds} and {waits}" if holds else f"{b.process} {waits}"


def deadlock_message(blocked, finished=()) -> tuple[str, list[Blocked] | None]:
    """The engine's one line for a state where every live process is blocked, and the
    wait-for cycle if there is one (``finished``: the processes that have ended)."""
    cycle = find_cycle(blocked)
    if cycle is not None:
        return "deadlock: " + "; ".join(f"{e.process} holds {e.holds} and waits for {e.waits_for}"
                                        for e in wait_edges(cycle)), cycle
    message = "deadlock: every live process is blocked and none can wake it: " + \
        "; ".join(describe(b, finished, ENGINE) for b in blocked)
    if finished:
        message += f" ({', '.join(finished)} finished)"
    return message, None


def stuck_report(blocked, ended=()) -> str:
    """A lesson's paragraph on why the ``blocked`` processes of a real run could not go on
    (``ended``: the processes that had already ended, so whatever they still hold stays held)."""
    cycle = find_cycle(blocked) or []
    in_cycle = {b.process for b in cycle}
    parts = [describe(b, ended, LESSON) for b in cycle + [b for b in blocked if b.process not in in_cycle]]
    text = ("deadlock: " if cycle else "stuck: ") + "; ".join(parts) + "."
    if cycle:
        text += " Wait-for cycle: " + " → ".join([b.process for b in cycle] + [cycle[0].process]) + "."
    return text

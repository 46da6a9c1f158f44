"""A trace read back: the events of a traced run, and what can be read from them.

``course.tracing.Tracer.trace()`` returns a :class:`Trace`: the events in time order, the
intervals each process spent waiting for, holding or working on each primitive (what
``course.timeline`` plots), how many held a primitive at once, and, for processes still
stuck at the deadline, who held what and waited for what (``Trace.report``, whose cycle and
sentences are ``autograder.engine.waitfor``'s, shared with the grader's engine).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from autograder.engine.waitfor import Blocked, find_cycle, stuck_report

MAIN = "main"                   # the parent's name in a trace; the children are P1, P2, ...
# How a process waits once it has asked for a primitive of each kind (anything else: "lock").
WAITS_HOW = {"semaphore": "semaphore", "bounded semaphore": "semaphore", "event": "event",
             "barrier": "barrier", "call": "call"}


def process_order(name: str) -> int:
    """Sort key: main first, then P1, P2, ..., P10 (not P1, P10, P2)."""
    return 0 if name == MAIN else int(name[1:])


@dataclass(frozen=True)
class TraceEvent:
    process: str
    event: str          # request, acquire, release, timeout, begin, end, set, ...
    primitive: str
    t: float            # seconds since the tracer was made, or since course.runner.run started the processes

    def __str__(self):
        return f"{self.t * 1000:9.2f} ms  {self.process:>4}  {self.event:<10} {self.primitive}"


@dataclass(frozen=True)
class Interval:
    process: str
    state: str          # "waiting" (for a lock, semaphore, event, barrier or notify), "holding", "working"
    primitive: str
    start: float
    end: float
    open: bool = False  # still going when the trace ended

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class ProcessState:
    """What one process held and what it waited for when the trace ended."""
    holds: list = field(default_factory=list)      # primitive names (a semaphore may appear twice)
    waits_for: str | None = None
    waits_how: str | None = None                   # "lock", "semaphore", "event", "barrier", "notify"
    #                                                (Condition.wait), "call": see waitfor.Blocked


class Trace:
    """Events in time order, with the primitives' kinds, and what can be read from them."""

    def __init__(self, events: list[TraceEvent], kinds: dict[str, str], dropped: int = 0,
                 taken: float | None = None):
        self.events = events
        self.kinds = kinds
        self.dropped = dropped
        self.taken = taken            # when it was read (what is still open lasts until then)

    def __len__(self):
        return len(self.events)

    def __iter__(self):
        return iter(self.events)

    @property
    def processes(self) -> list[str]:
        return sorted({e.process for e in self.events}, key=process_order)

    @property
    def end(self) -> float:
        return self.events[-1].t if self.events else 0.0

    def describe(self, primitive: str) -> str:
        return f"{self.kinds.get(primitive, 'primitive')} {primitive}"

    def text(self, limit: int = 40) -> str:
        """The first ``limit`` events, one per line."""
        lines = [str(e) for e in self.events[:limit]]
        if len(self.events) > limit:
            lines.append(f"... and {len(self.events) - limit} more events")
        return "\n".join(lines)

    __str__ = text

    def intervals(self, until: float | None = None) -> list[Interval]:
        """Waiting, holding and working intervals; those still open end at ``until``
        (default: when the trace was read)."""
        if until is None:
            until = self.end if self.taken is None else max(self.end, self.taken)
        out: list[Interval] = []
        waiting: dict[tuple, tuple[float, str]] = {}           # since when, and how it began
        holding: dict[tuple, list[float]] = defaultdict(list)  # a stack: RLock, semaphore
        working: dict[tuple, list[float]] = defaultdict(list)
        for e in self.events:
            key = (e.process, e.primitive)
            if e.event in ("request", "wait"):
                if e.event == "wait" and holding[key]:      # Condition.wait releases the lock
                    out.append(Interval(e.process, "holding", e.primitive, holding[key].pop(), e.t))
                waiting[key] = (e.t, e.event)
            elif e.event in ("acquire", "timeout", "wake", "broken"):
                start, how = waiting.pop(key, (None, None))
                if start is not None:
                    out.append(Interval(e.process, "waiting", e.primitive, start, e.t))
                # A Condition.wait re-acquires the lock however it ends.
                if e.event == "acquire" or how == "wait":
                    holding[key].append(e.t)
            elif e.event == "release" and holding[key]:
                out.append(Interval(e.process, "holding", e.primitive, holding[key].pop(), e.t))
            elif e.event == "begin":
                working[key].append(e.t)
            elif e.event == "end" and working[key]:
                out.append(Interval(e.process, "working", e.primitive, working[key].pop(), e.t))
        for (process, primitive), (start, _) in waiting.items():
            out.append(Interval(process, "waiting", primitive, start, until, open=True))
        for state, table in (("holding", holding), ("working", working)):
            for (process, primitive), starts in table.items():
                for start in starts:
                    out.append(Interval(process, state, primitive, start, until, open=True))
        out.sort(key=lambda i: (i.start, i.process))
        return out

    def occupancy(self, primitive: str) -> list[tuple[float, int]]:
        """(time, how many processes hold ``primitive`` from then on), a step function.
        A process holding it twice (an RLock taken again, two semaphore slots) counts once."""
        changes = []
        for i in self.intervals():
            if i.primitive == primitive and i.state == "holding":
                changes += [(i.start, 1, i.process), (i.end, -1, i.process)]
        changes.sort(key=lambda c: (c[0], c[1]))       # a release before an acquire at the same time
        depth: dict[str, int] = defaultdict(int)
        steps = [(0.0, 0)]
        for t, delta, process in changes:
            depth[process] += delta
            steps.append((t, sum(1 for d in depth.values() if d > 0)))
        return steps

    def max_holders(self, primitive: str) -> int:
        return max(level for _, level in self.occupancy(primitive))

    # -------------------------------------------------------------- who holds and waits
    def state(self) -> dict[str, ProcessState]:
        """What each process held and waited for at the end of the trace."""
        states: dict[str, ProcessState] = defaultdict(ProcessState)
        for e in self.events:
            s = states[e.process]
            if e.event == "request":
                s.waits_for, s.waits_how = e.primitive, WAITS_HOW.get(self.kinds.get(e.primitive), "lock")
            elif e.event == "wait":
                s.waits_for, s.waits_how = e.primitive, "notify"
                if e.primitive in s.holds:
                    s.holds.remove(e.primitive)
            elif e.event in ("acquire", "timeout", "wake", "broken"):
                was_notify = s.waits_how == "notify" and s.waits_for == e.primitive
                if s.waits_for == e.primitive:
                    s.waits_for = s.waits_how = None
                if e.event == "acquire" or (was_notify and e.event in ("wake", "timeout")):
                    s.holds.append(e.primitive)
            elif e.event == "release":
                if e.primitive in s.holds:
                    s.holds.remove(e.primitive)
        return dict(states)

    def holders(self, primitive: str) -> list[str]:
        return [p for p, s in sorted(self.state().items(), key=lambda item: process_order(item[0]))
                if primitive in s.holds]

    def blocked(self, processes, states=None) -> list[Blocked]:
        """What each of ``processes`` held and waited for at the end of the trace, as
        autograder.engine.waitfor's plain data."""
        states = self.state() if states is None else states
        found = []
        for p in processes:
            s = states.get(p)
            if s is None:
                found.append(Blocked(p, how="unseen"))
                continue
            what = s.waits_for if s.waits_how == "call" or s.waits_for is None else self.describe(s.waits_for)
            held_by = ()
            if s.waits_how in ("lock", "semaphore"):
                held_by = tuple(q for q in self.holders(s.waits_for) if q != p)
            found.append(Blocked(p, what, s.waits_how, tuple(self.describe(n) for n in s.holds), held_by))
        return found

    def wait_for_cycle(self, among=None) -> list[str] | None:
        """A cycle P -> Q (P waits for something Q holds) among ``among`` (default all), or None."""
        states = self.state()
        cycle = find_cycle(self.blocked(sorted(states if among is None else among, key=process_order), states))
        return [b.process for b in cycle] if cycle else None

    def report(self, stuck: list[str], exited=()) -> str:
        """One paragraph on why the ``stuck`` processes could not go on (``exited``: the
        processes that had already ended, so whatever they still hold stays held)."""
        return stuck_report(self.blocked(stuck), exited)

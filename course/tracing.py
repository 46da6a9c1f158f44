"""Instrumented primitives: who waited for, held and released what, and when.

A :class:`Tracer` makes primitives from a multiprocessing context and wraps them so that
every acquire, release, wait, notify and set is logged as (process, event, primitive,
``time.perf_counter_ns()``) into shared memory. Each process writes only its own region of
the buffer, so tracing takes no lock of its own and does not change who waits for whom.
The parent reads the log afterwards as a :class:`~course.trace.Trace` (``course/trace.py``):
a list of events, the intervals each process spent waiting for or holding each primitive
(what ``course.timeline`` plots), and, when processes are stuck, who holds what and waits
for what (the deadlock report)::

    tracer = Tracer(ctx, processes=2)
    locks = [tracer.Lock("account 0"), tracer.Lock("account 1")]
    jobs = [(workers.transfer_naive, (locks, balances, 0, 1, 10, 0.05)),
            (workers.transfer_naive, (locks, balances, 1, 0, 10, 0.05))]
    result = runner.run(jobs, tracer=tracer, deadline=1.5)
    print(result)        # deadlock: P1 holds lock account 0 and waits for lock account 1 ...
    timeline.plot(result.trace)

Processes are identified by name: the runner names them P1, P2, ...; the parent is "main".
Primitives must be made (and named) in the parent, before the processes start. Each
process logs from one thread (the log of a process is not guarded against its own threads).
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.sharedctypes
import os
import threading
import time
from collections import defaultdict

from autograder.engine.sharedctypes import with_lock

from .trace import MAIN, Trace, TraceEvent

# Event codes stored in the buffer, and their names in a Trace.
REQUEST, ACQUIRE, RELEASE, TIMEOUT, BEGIN, END, SET, CLEAR, NOTIFY, NOTIFY_ALL, WAIT, WAKE, \
    BROKEN = range(1, 14)
EVENT_NAMES = {
    REQUEST: "request", ACQUIRE: "acquire", RELEASE: "release", TIMEOUT: "timeout",
    BEGIN: "begin", END: "end", SET: "set", CLEAR: "clear", NOTIFY: "notify",
    NOTIFY_ALL: "notify_all", WAIT: "wait", WAKE: "wake", BROKEN: "broken",
}
_FIELDS = 3          # kind, primitive index, time in ns


def process_label(index: int) -> str:
    return MAIN if index == 0 else f"P{index}"


class Tracer:
    """Makes traced primitives from ``ctx`` and holds their shared event log.

    ``processes``: how many child processes (P1..Pn) will log; the parent logs as "main".
    ``capacity``: events kept per process (later ones are counted as dropped).
    ``patience``: a blocking call without a timeout gives up after this many seconds with
    ``TimeoutError``, so a process never waits forever even if nobody kills it.
    """

    def __init__(self, ctx=None, *, processes: int, capacity: int = 4096, patience: float = 60.0):
        from . import context

        self._ctx = ctx or context()
        self.processes = processes
        self.capacity = capacity
        self.patience = patience
        self._buffer = self._ctx.RawArray("q", (processes + 1) * capacity * _FIELDS)
        self._counts = self._ctx.RawArray("q", processes + 1)   # events written (may exceed capacity)
        self.names: list[str] = []
        self.kinds: list[str] = []
        self._me: tuple[int, int] | None = None                 # (pid, index) cache
        self.t0 = time.perf_counter_ns()

    # ------------------------------------------------------------------ pickling
    def __getstate__(self):
        state = self.__dict__.copy()
        state["_me"] = None
        state["_ctx"] = self._ctx.get_start_method()
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._ctx = multiprocessing.get_context(self._ctx)

    # ------------------------------------------------------------------ naming
    def _register(self, name: str, kind: str) -> int:
        if name in self.names:
            raise ValueError(f"a primitive named {name!r} already exists in this tracer")
        if multiprocessing.parent_process() is not None:
            raise RuntimeError("make traced primitives in the parent, before starting the processes")
        self.names.append(name)
        self.kinds.append(kind)
        return len(self.names) - 1

    def _index(self) -> int:
        pid = os.getpid()
        if self._me is None or self._me[0] != pid:
            name = multiprocessing.current_process().name
            index = 0
            if multiprocessing.parent_process() is not None:
                if not (name.startswith("P") and name[1:].isdigit()):
                    raise RuntimeError(f"a traced primitive was used in process {name!r}; start "
                                       f"processes with course.runner.run so they are named P1, P2, ...")
                index = int(name[1:])
                if not 1 <= index <= self.processes:
                    raise RuntimeError(f"this tracer was made for {self.processes} processes, "
                                       f"but {name} used it: pass processes={index} or more")
            self._me = (pid, index)
        return self._me[1]

    # ------------------------------------------------------------------ logging
    def log(self, kind: int, primitive: int, t_ns: int | None = None) -> None:
        t_ns = time.perf_counter_ns() if t_ns is None else t_ns
        me = self._index()
        n = self._counts[me]
        if n < self.capacity:
            base = (me * self.capacity + n) * _FIELDS
            self._buffer[base] = kind
            self._buffer[base + 1] = primitive
            self._buffer[base + 2] = t_ns
        self._counts[me] = n + 1

    def timeout(self, timeout):
        """The timeout a blocking call really uses: the caller's, else ``patience``."""
        return self.patience if timeout is None else timeout

    # ------------------------------------------------------------------ factories
    def Lock(self, name: str) -> "TracedLock":
        return TracedLock(self, self._register(name, "lock"), self._ctx.Lock())

    def RLock(self, name: str) -> "TracedLock":
        return TracedLock(self, self._register(name, "rlock"), self._ctx.RLock())

    def Semaphore(self, value: int = 1, *, name: str) -> "TracedSemaphore":
        return TracedSemaphore(self, self._register(name, "semaphore"), self._ctx.Semaphore(value))

    def BoundedSemaphore(self, value: int = 1, *, name: str) -> "TracedSemaphore":
        return TracedSemaphore(self, self._register(name, "bounded semaphore"),
                               self._ctx.BoundedSemaphore(value))

    def Event(self, name: str) -> "TracedEvent":
        return TracedEvent(self, self._register(name, "event"), self._ctx.Event())

    def Condition(self, name: str, lock=None) -> "TracedCondition":
        """A condition over a plain ``ctx`` lock (default a ctx.RLock)."""
        return TracedCondition(self, self._register(name, "condition"), self._ctx.Condition(lock))

    def Barrier(self, parties: int, *, name: str) -> "TracedBarrier":
        return TracedBarrier(self, self._register(name, "barrier"), self._ctx.Barrier(parties))

    def Value(self, typecode: str, value=0, *, name: str):
        """A ``ctx.Value`` whose own lock (``get_lock()``) is a traced RLock called ``name``
        (an RLock, as in ``ctx.Value``: reading ``.value`` takes the lock too)."""
        return self._ctx.Value(typecode, value, lock=self.RLock(name))

    def Activity(self, name: str) -> "Activity":
        """A named span of work: ``with activity:`` logs when it begins and ends."""
        return Activity(self, self._register(name, "activity"))

    def Call(self, name: str) -> "Call":
        """A blocking call that is not one of the traced primitives (``JoinableQueue.join()``,
        say): ``with call: tasks.join()`` shows the time spent in it as waiting."""
        return Call(self, self._register(name, "call"))

    def context(self) -> "TracingContext":
        """A stand-in for ``ctx`` whose primitives are traced: pass it as the ``ctx`` of any
        class (an exercise answer, say), then call ``name_attributes(obj)`` to name them."""
        return TracingContext(self)

    def name_attributes(self, obj) -> None:
        """Rename the traced primitives ``obj`` holds after its attributes (``_changed``
        becomes "changed"). Call it before the processes start."""
        for attr, value in vars(obj).items():
            if isinstance(value, _Traced) and value._tracer is self:
                self.rename(value.name, attr.lstrip("_") or attr)
            elif hasattr(value, "get_lock") and isinstance(value.get_lock(), _Traced):
                self.rename(value.get_lock().name, f"{attr.lstrip('_') or attr}.get_lock()")

    def rename(self, old: str, new: str) -> None:
        if old == new:
            return
        if new in self.names:
            raise ValueError(f"a primitive named {new!r} already exists in this tracer")
        self.names[self.names.index(old)] = new

    # ------------------------------------------------------------------ reading
    def dropped(self) -> int:
        return sum(max(0, c - self.capacity) for c in self._counts)

    def reset(self) -> None:
        """Forget every event (call it only while no process is running)."""
        for i in range(len(self._counts)):
            self._counts[i] = 0
        self.t0 = time.perf_counter_ns()

    def trace(self) -> "Trace":
        """Everything logged so far, in time order (safe to call while processes run)."""
        taken = (time.perf_counter_ns() - self.t0) / 1e9
        events = []
        for index in range(self.processes + 1):
            n = min(self._counts[index], self.capacity)
            base = index * self.capacity * _FIELDS
            rows = self._buffer[base: base + n * _FIELDS]
            for k in range(0, len(rows), _FIELDS):
                kind, prim, t_ns = rows[k: k + _FIELDS]
                events.append(TraceEvent(process_label(index), EVENT_NAMES[kind], self.names[prim],
                                         (t_ns - self.t0) / 1e9))
        events.sort(key=lambda e: e.t)
        return Trace(events, dict(zip(self.names, self.kinds)), dropped=self.dropped(), taken=taken)


class TracingContext:
    """Looks like a multiprocessing context; its locks, semaphores, conditions, events and
    barriers are traced (named "lock 1", "condition 1", ...), everything else is ctx's own."""

    def __init__(self, tracer: Tracer):
        self._tracer = tracer
        self._made: dict[str, int] = defaultdict(int)

    def _name(self, kind: str) -> str:
        self._made[kind] += 1
        return f"{kind} {self._made[kind]}"

    def Lock(self):
        return self._tracer.Lock(self._name("lock"))

    def RLock(self):
        return self._tracer.RLock(self._name("rlock"))

    def Semaphore(self, value: int = 1):
        return self._tracer.Semaphore(value, name=self._name("semaphore"))

    def BoundedSemaphore(self, value: int = 1):
        return self._tracer.BoundedSemaphore(value, name=self._name("bounded semaphore"))

    def Condition(self, lock=None):
        if isinstance(lock, _Traced):       # the condition's own lock is traced under its name
            lock = lock._inner
        return self._tracer.Condition(self._name("condition"), lock)

    def Event(self):
        return self._tracer.Event(self._name("event"))

    def Barrier(self, parties: int, action=None, timeout=None):
        if action is not None or timeout is not None:
            raise NotImplementedError("traced barriers take neither action nor timeout")
        return self._tracer.Barrier(parties, name=self._name("barrier"))

    # Value and Array follow multiprocessing's lock= rule (with_lock, shared with the
    # grader's controlled context); the lock they make is traced
    def Value(self, typecode_or_type, *args, lock=True):
        return with_lock(self._tracer._ctx.RawValue(typecode_or_type, *args), lock, self.RLock,
                         self._synchronized)

    def Array(self, typecode_or_type, size_or_initializer, *, lock=True):
        return with_lock(self._tracer._ctx.RawArray(typecode_or_type, size_or_initializer), lock,
                         self.RLock, self._synchronized)

    def _synchronized(self, raw, lock):
        return multiprocessing.sharedctypes.synchronized(raw, lock, ctx=self._tracer._ctx)

    def __getattr__(self, name):           # RawValue, RawArray, Process, get_start_method, ...
        return getattr(self._tracer._ctx, name)


class _Traced:
    def __init__(self, tracer: Tracer, index: int, inner):
        self._tracer = tracer
        self._index = index
        self._inner = inner

    @property
    def name(self) -> str:
        return self._tracer.names[self._index]

    def _log(self, kind: int, t_ns: int | None = None) -> None:
        self._tracer.log(kind, self._index, t_ns)

    def _blocking(self, kind_ok: int, call, block: bool, timeout):
        """Log a request, make the call with a bounded timeout, log how it ended."""
        self._log(REQUEST)
        if block:
            got = call(True, self._tracer.timeout(timeout))
        else:
            got = call(False)
        self._log(kind_ok if got else TIMEOUT)
        if not got and block and timeout is None:
            raise TimeoutError(f"{multiprocessing.current_process().name} waited "
                               f"{self._tracer.patience:.0f} s for {self.name} and gave up")
        return got

    def __repr__(self):
        return f"<traced {self._tracer.kinds[self._index]} {self.name!r}>"


class TracedLock(_Traced):
    """A ctx.Lock or ctx.RLock that logs request, acquire, timeout and release."""

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool:
        return self._blocking(ACQUIRE, self._inner.acquire, block, timeout)

    def release(self) -> None:
        t = time.perf_counter_ns()
        self._inner.release()
        self._log(RELEASE, t)

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


class TracedSemaphore(TracedLock):
    """A ctx.Semaphore or ctx.BoundedSemaphore; acquire/release as for a lock."""

    def get_value(self) -> int:
        return self._inner.get_value()


class TracedEvent(_Traced):
    def set(self) -> None:
        self._log(SET)
        self._inner.set()

    def clear(self) -> None:
        self._log(CLEAR)
        self._inner.clear()

    def is_set(self) -> bool:
        return self._inner.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        self._log(REQUEST)
        flag = self._inner.wait(self._tracer.timeout(timeout))
        self._log(WAKE if flag else TIMEOUT)
        return flag


class TracedCondition(TracedLock):
    """A ctx.Condition: acquire/release as for a lock. Its lock shows in the timeline under
    the condition's name; a wait shows as 'waiting on' it (the lock is released meanwhile)."""

    def wait(self, timeout: float | None = None) -> bool:
        self._log(WAIT)
        notified = self._inner.wait(self._tracer.timeout(timeout))
        self._log(WAKE if notified else TIMEOUT)
        return notified

    def wait_for(self, predicate, timeout: float | None = None):
        end = None if timeout is None else time.monotonic() + timeout
        result = predicate()
        while not result:
            remaining = None
            if end is not None:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    break
            self.wait(remaining)
            result = predicate()
        return result

    def notify(self, n: int = 1) -> None:
        self._log(NOTIFY)
        self._inner.notify(n)

    def notify_all(self) -> None:
        self._log(NOTIFY_ALL)
        self._inner.notify_all()


class TracedBarrier(_Traced):
    def wait(self, timeout: float | None = None) -> int:
        self._log(REQUEST)
        try:
            index = self._inner.wait(self._tracer.timeout(timeout))
        except threading.BrokenBarrierError:
            self._log(BROKEN)
            raise
        self._log(WAKE)
        return index

    def abort(self) -> None:
        self._inner.abort()

    @property
    def parties(self) -> int:
        return self._inner.parties

    @property
    def n_waiting(self) -> int:
        return self._inner.n_waiting


class Activity(_Traced):
    def __init__(self, tracer, index):
        super().__init__(tracer, index, None)

    def __enter__(self):
        self._log(BEGIN)
        return self

    def __exit__(self, *exc):
        self._log(END)


class Call(Activity):
    """Time spent blocked in a call the tracer cannot see inside: logged as a wait."""

    def __enter__(self):
        self._log(REQUEST)
        return self

    def __exit__(self, *exc):
        self._log(WAKE)

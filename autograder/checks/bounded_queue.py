"""Checks for the bounded-queue exercise: ``BoundedQueue(capacity, *, ctx=None)`` with
``put(item, timeout=None)``, ``get(timeout=None)`` and ``qsize()``; ``ValueError`` if
``capacity < 1``, ``queue.Full`` / ``queue.Empty`` after a timeout, FIFO order, items are
ints in the signed 64-bit range."""
from __future__ import annotations

import ast
import queue
import time
from collections import Counter

from .answers import require_class
from autograder.deadlines import machine_share
from autograder.engine import Scenario
from .realrun import Call, run_real
from .report import PropertyResult
from autograder.engine import hooks
from .common import (NotAnInt, Stuck, built_within, call_with_deadline, plain_int, real_property,
                     start_methods)
from .controlled import DPOR, Plan, controlled
from .weights import suites

SIGNATURE = ("BoundedQueue(capacity, *, ctx=None) with put(item, timeout=None), "
             "get(timeout=None) and qsize()")

MIN64, MAX64 = -2 ** 63, 2 ** 63 - 1
STEP_DEADLINE = 2.0        # seconds one call in one process may take (real runs)
REAL_DEADLINE = 15.0       # seconds a run with one child process may take (it decides; a
#                            correct answer needs well under one, but a spawned child on a
#                            machine whose load just jumped gets little CPU before the load
#                            average, and so the machine share, catches up)
NOTE_DEADLINE = 15.0       # seconds a run of several processes at once may take: a hang there
#                            is only a note, and a correct answer needs a second or two


def load(module):
    return require_class(module, "BoundedQueue", SIGNATURE, ["capacity", "ctx"])


# ------------------------------------------------------------------ one process (real ctx)
class _Script:
    """Runs calls on queues in this process, one at a time with a deadline, and remembers
    them so that a failure can say what led to it."""

    def __init__(self):
        self.history: list[str] = []

    def after(self, skip_last: bool = False) -> str:
        history = self.history[:-1] if skip_last else self.history
        if not history:
            return "at the start"
        shown = history[-8:]
        prefix = "..., " if len(history) > len(shown) else ""
        return "after " + prefix + ", ".join(shown)

    def call(self, text: str, fn, deadline: float = STEP_DEADLINE):
        self.history.append(text)
        return call_with_deadline(fn, deadline)


def _stuck_message(script: _Script, what: str, exc: Stuck) -> str:
    return (f"{script.after(skip_last=True)}: {what} {exc} in a single process. It should not wait at all here: "
            f"does it take a lock it already holds (a ctx.Lock is not re-entrant), or wait "
            f"for a condition that is already true?")


def _expect_value_error(BoundedQueue, capacity):
    try:
        call_with_deadline(lambda: BoundedQueue(capacity), STEP_DEADLINE)
    except ValueError:
        return None
    except Stuck as exc:
        return f"BoundedQueue({capacity}) {exc}; it should raise ValueError at once"
    except Exception as exc:
        return (f"BoundedQueue({capacity}) raised {type(exc).__name__}: {exc}, but the contract "
                f"says ValueError for a capacity below 1")
    return (f"BoundedQueue({capacity}) returned a queue, but a capacity below 1 must raise "
            f"ValueError (such a queue could never hold an item)")


def fifo_in_one_process(BoundedQueue) -> PropertyResult:
    name = ("one process: ValueError for capacity < 1; FIFO order, qsize() and ring-buffer "
            "wrap-around; items across the signed 64-bit range")
    for capacity in (0, -1):
        problem = _expect_value_error(BoundedQueue, capacity)
        if problem:
            return PropertyResult(name, False, problem)
    script = _Script()
    # (queue capacity, operations) where an operation is ("put", item) or ("get", expected)
    # or ("qsize", expected)
    plans = [
        (3, [("qsize", 0), ("put", 10), ("put", 20), ("qsize", 2), ("get", 10), ("put", 30),
             ("put", 40), ("qsize", 3), ("get", 20), ("get", 30), ("put", 50), ("put", 60),
             ("qsize", 3), ("get", 40), ("get", 50), ("put", 70), ("get", 60), ("get", 70),
             ("qsize", 0)]),
        (2, [("put", MIN64), ("put", MAX64), ("qsize", 2), ("get", MIN64), ("put", -1),
             ("get", MAX64), ("put", 0), ("get", -1), ("put", MAX64 - 1), ("get", 0),
             ("get", MAX64 - 1), ("qsize", 0)]),
        (1, [("put", 7), ("qsize", 1), ("get", 7), ("put", -7), ("get", -7), ("put", 8),
             ("qsize", 1), ("get", 8), ("qsize", 0)]),
    ]
    for capacity, plan in plans:
        box = {}
        try:
            script.call(f"q = BoundedQueue({capacity})", lambda: box.update(q=BoundedQueue(capacity)))
        except Stuck as exc:
            return PropertyResult(name, False, _stuck_message(script, f"BoundedQueue({capacity})", exc))
        except Exception as exc:
            return PropertyResult(name, False, f"BoundedQueue({capacity}) raised {type(exc).__name__}: {exc}")
        q = box["q"]
        for op, value in plan:
            text = f"put({value})" if op == "put" else f"{op}()"
            before = script.after()
            try:
                if op == "put":
                    script.call(text, lambda v=value: q.put(v))
                    continue
                got = plain_int(script.call(text, q.get if op == "get" else q.qsize), f"{before}: {text}")
            except Stuck as exc:
                return PropertyResult(name, False, _stuck_message(script, text, exc))
            except NotAnInt as exc:
                return PropertyResult(name, False, str(exc))
            except Exception as exc:
                return PropertyResult(name, False, f"{before}: {text} raised {type(exc).__name__}: {exc}")
            if got != value:
                return PropertyResult(name, False, _mismatch(before, op, text, got, value, capacity))
    return PropertyResult(name, True)


def _mismatch(before, op, text, got, expected, capacity) -> str:
    if op == "qsize":
        why = ""
        if expected == capacity and got == 0:
            why = (": a full queue reports 0. Is qsize computed from (tail - head) % capacity? "
                   "Keep a count of the items instead")
        return f"{before}: qsize() returned {got!r}, expected {expected}{why}"
    if isinstance(got, int) and got != expected and expected in (MIN64, MAX64, MAX64 - 1):
        return (f"{before}: get() returned {got!r} instead of {expected}: items must keep the whole "
                f"signed 64-bit range (a shared array of typecode 'q')")
    return (f"{before}: get() returned {got!r}, expected {expected!r}: the item put first must come "
            f"out first (FIFO), also after the indices wrap around the end of the buffer")


def timeouts_in_one_process(BoundedQueue) -> PropertyResult:
    name = ("one process: put on a full queue raises queue.Full, get on an empty queue raises "
            "queue.Empty, after the timeout and not much later; timeout=0 never waits")
    script = _Script()
    box = {}
    timeout = 0.2
    try:
        script.call("q = BoundedQueue(1)", lambda: box.update(q=BoundedQueue(1)))
        q = box["q"]
        problem = _timed(script, f"get(timeout={timeout:g})", lambda: q.get(timeout=timeout),
                         queue.Empty, "empty", timeout)
        if problem:
            return PropertyResult(name, False, problem)
        script.call("put(1)", lambda: q.put(1))
        problem = _timed(script, f"put(2, timeout={timeout:g})", lambda: q.put(2, timeout=timeout),
                         queue.Full, "full", timeout)
        if problem:
            return PropertyResult(name, False, problem)
        before = script.after()
        size = plain_int(script.call("qsize()", q.qsize), f"{before}: qsize()")
        if size != 1:
            why = ("a put that timed out must not add its item" if isinstance(size, int) and size > 1
                   else "the queue holds its one item (it is full)")
            return PropertyResult(name, False, f"{before}: qsize() returned {size!r}, expected 1: {why}")
        before = script.after()
        got = plain_int(script.call(f"get(timeout={timeout:g})", lambda: q.get(timeout=timeout)),
                        f"{before}: get(timeout={timeout:g})")
        if got != 1:
            return PropertyResult(name, False, f"{before}: get(timeout={timeout:g}) returned {got!r}, expected 1")
        script.call(f"put(3, timeout={timeout:g})", lambda: q.put(3, timeout=timeout))
        before = script.after()
        got = plain_int(script.call("get()", q.get), f"{before}: get()")
        if got != 3:
            return PropertyResult(name, False, f"{before}: get() returned {got!r}, expected 3")
        # timeout=0: take or raise at once
        problem = _timed(script, "get(timeout=0)", lambda: q.get(timeout=0), queue.Empty, "empty", 0)
        if problem:
            return PropertyResult(name, False, problem)
        script.call("put(4, timeout=0)", lambda: q.put(4, timeout=0))
        problem = _timed(script, "put(5, timeout=0)", lambda: q.put(5, timeout=0), queue.Full, "full", 0)
        if problem:
            return PropertyResult(name, False, problem)
        before = script.after()
        got = plain_int(script.call("get(timeout=0)", lambda: q.get(timeout=0)), f"{before}: get(timeout=0)")
        if got != 4:
            return PropertyResult(name, False, f"{before}: get(timeout=0) returned {got!r}, expected 4")
    except NotAnInt as exc:
        return PropertyResult(name, False, str(exc))
    except Stuck as exc:
        last = script.history[-1]
        hint = ""
        if "timeout" in last:
            hint = (" Is the timeout passed on to wait()/acquire(), and does the loop give up "
                    "once the time is over?")
        return PropertyResult(name, False, (
            f"{script.after(skip_last=True)}: {last} {exc} in a single process.{hint}"))
    except Exception as exc:
        last = script.history[-1] if script.history else "BoundedQueue(1)"
        return PropertyResult(name, False, (f"{script.after(skip_last=True)}: {last} raised "
                                            f"{type(exc).__name__}: {exc}"))
    return PropertyResult(name, True)


def _timed(script: _Script, text: str, fn, expected_exc, state: str, timeout: float):
    before = script.after() if script.history else "on a new queue"
    start = time.monotonic()
    try:
        result = script.call(text, fn, timeout + STEP_DEADLINE)
    except Stuck as exc:
        return (f"{before}: {text} on an {state} queue {exc}; it should raise "
                f"queue.{expected_exc.__name__} after {timeout:g} s. Is the timeout passed on "
                f"to wait()/acquire(), and does the loop give up once the time is over?")
    except expected_exc:
        elapsed = time.monotonic() - start
        late = elapsed * machine_share()     # a busy machine makes a correct answer late too
        if elapsed < timeout * 0.9:
            return (f"{before}: {text} on an {state} queue raised queue.{expected_exc.__name__} "
                    f"after {elapsed:.2f} s; it should first wait the whole {timeout:g} s")
        if late > timeout + 1.0:
            return (f"{before}: {text} on an {state} queue raised queue.{expected_exc.__name__} "
                    f"only after {elapsed:.2f} s; expected about {timeout:g} s")
        return None
    except Exception as exc:
        return (f"{before}: {text} on an {state} queue raised {type(exc).__name__}: {exc}, but the "
                f"contract is queue.{expected_exc.__name__} (import queue; raise "
                f"queue.{expected_exc.__name__}), which callers catch")
    return (f"{before}: {text} on an {state} queue returned {result!r}; it should raise "
            f"queue.{expected_exc.__name__} after {timeout:g} s")


# ------------------------------------------------------------------ delivery checks
def _delivery_problem(puts: dict[str, list], gets: dict[str, list]) -> str | None:
    """Each item put comes out exactly once; each consumer sees each producer's items in
    the order they were put. Items are distinct."""
    gets = {who: [_key(item) for item in items] for who, items in gets.items()}
    put_all = Counter(item for items in puts.values() for item in items)
    got_all = Counter(item for items in gets.values() for item in items)
    got_text = "; ".join(f"{who} got {_short(items)}" for who, items in gets.items())
    parts = []
    for item in (got_all - put_all):
        times = "twice" if got_all[item] == 2 else f"{got_all[item]} times"
        parts.append(f"{item!r} came out {times}" if item in put_all else
                     f"{item!r} came out although nobody put it (a slot read before it was "
                     f"written, or after it was reused)")
    for item in (put_all - got_all):
        parts.append(f"{item!r} was put but never came out")
    if parts:
        return ("every item put must come out exactly once, but " + ", ".join(parts[:3]) +
                f" ({got_text})")
    origin = {item: (who, i) for who, items in puts.items() for i, item in enumerate(items)}
    for consumer, items in gets.items():
        last = {}
        for item in items:
            producer, index = origin[item]
            if producer in last and index < last[producer][0]:
                return (f"{consumer} got {item!r} after {last[producer][1]!r}, but {producer} put "
                        f"{item!r} first: the queue must be first in, first out ({got_text})")
            last[producer] = (index, item)
    return None


def _key(item):
    """An item as it can be counted: itself if it is exactly an int (what was put), else its
    repr (which then matches nothing that was put)."""
    return item if type(item) is int else repr(item)


def _short(items, limit=6) -> str:
    items = list(items)
    if len(items) <= limit:
        return repr(items)
    return "[" + ", ".join(map(repr, items[:limit])) + f", ... ({len(items)} items)]"


_RECHECK_FIX = ("wait in a loop, `while <nothing to take>: cond.wait()` (or cond.wait_for(...)), so that a "
                "woken process checks again before it goes on: another one may have got there first")
_LOCK_FIX = ("hold the queue's lock for every read and write of the buffer, its indices and the count, "
             "so that no other process sees a put or get half done")
FIXES = {
    "stale-wakeup": _RECHECK_FIX,
    "lost-update": _LOCK_FIX,
    "lost-wakeup": ("wait in a while loop for exactly what you need, and after every put and get wake "
                    "whoever may be waiting for it (notify_all(), or one Condition for 'not full' and one "
                    "for 'not empty'), while holding the lock"),
    "deadlock-cycle": "take the queue's locks in the same order in put() and get(), or use one lock",
    "check": f"{_LOCK_FIX}, and {_RECHECK_FIX}",
    "step-budget": "block on a Condition or Semaphore instead of polling",
    "unpicklable": "create every lock and shared value from ctx (ctx.Condition(), ctx.Array('q', capacity))",
    "foreign-primitive": "create every lock and shared value from the ctx passed to the constructor",
}


def _pc_scenario(BoundedQueue, capacity: int, producers: list[list[int]], consumers: list[int]) -> Scenario:
    """Producers P1.. put their items in order; consumers (after them) each get n items."""
    labels = [f"P{i}" for i in range(1, len(producers) + len(consumers) + 1)]
    prod_labels, cons_labels = labels[:len(producers)], labels[len(producers):]
    text = "; ".join([f"{who}: " + ", ".join(f"put({x})" for x in items)
                      for who, items in zip(prod_labels, producers)] +
                     [f"{who}: " + ", ".join(["get()"] * n) for who, n in zip(cons_labels, consumers)])

    def producer(items):
        def body(q):
            for item in items:
                q.put(item)
        return body

    def consumer(n):
        return lambda q: [q.get() for _ in range(n)]

    def check(q, results):
        gets = dict(zip(cons_labels, results[len(producers):]))
        problem = _delivery_problem(dict(zip(prod_labels, producers)), gets)
        if problem:
            return problem
        size = plain_int(q.qsize(), "qsize()")
        if size != 0:
            return f"every item was taken out, but qsize() is {size!r} instead of 0"
        return None

    return Scenario(f"BoundedQueue({capacity}); {text}", lambda ctx: BoundedQueue(capacity, ctx=ctx),
                    [producer(items) for items in producers] + [consumer(n) for n in consumers], check)


@controlled("no lost or stolen wake-ups, no lost or duplicated items: capacity 1 and 2, one or two "
            "producers and consumers (every interleaving where there are few enough, else exhaustive "
            "search with few preemptions, then random)", fixes=FIXES, globals_mode="time")
def no_lost_wakeups_controlled(Q):
    return [
        Plan(_pc_scenario(Q, 1, [[1, 2]], [2]), [DPOR, ("exhaustive", 0, 2000, {"max_preemptions": 3})]),
        Plan(_pc_scenario(Q, 1, [[1], [2]], [1, 1]), [DPOR, ("exhaustive", 0, 800, {"max_preemptions": 1}),
                                                      ("random", 3, 400, {})]),
        # thousands of distinct interleavings: explored by bounded search and random only
        Plan(_pc_scenario(Q, 2, [[1, 2, 3]], [1, 2]), [("exhaustive", 0, 800, {"max_preemptions": 1}),
                                                       ("random", 4, 300, {})]),
        Plan(_pc_scenario(Q, 2, [[1], [2]], [2]), [DPOR, ("exhaustive", 0, 800, {"max_preemptions": 1}),
                                                   ("random", 5, 300, {})]),
    ]


@controlled("no lost or stolen wake-ups with 2 producers and 2 consumers across a wrapping buffer "
            "(PCT and random search: too many interleavings to try them all)", fixes=FIXES, globals_mode="time")
def stress_controlled(Q):
    return [
        Plan(_pc_scenario(Q, 2, [[1, 2], [3, 4]], [2, 2]), [("pct", 5, 400, {"depth": 3}), ("random", 8, 400, {})]),
        Plan(_pc_scenario(Q, 3, [[1, 2, 3, 4, 5], [6, 7]], [4, 3]), [("pct", 9, 300, {"depth": 2}),
                                                                     ("random", 10, 300, {})]),
    ]


# ------------------------------------------------------------------ blocking, virtual time
@controlled("capacity respected: a put on a full queue and a get on an empty one block until another "
            "process makes room or puts an item", fixes=FIXES, globals_mode="time")
def blocks_when_full_or_empty(BoundedQueue):
    progress = []

    def filler(q):
        for item in (1, 2, 3):
            q.put(item)
            progress.append(f"put({item})")

    def watcher(q):
        time.sleep(1.0)          # may end at any moment: P1 may not have put anything yet
        seen = list(progress)
        size = q.qsize()
        progress.append("get")   # from here on P2 makes room
        got = [q.get() for _ in range(3)]
        return seen, size, got

    def check_full(q, results):
        seen, size, got = results[1]
        size = plain_int(size, "qsize()")
        got = [plain_int(item, "get()") for item in got]
        if progress.index("put(3)") < progress.index("get") or size == 3:
            return (f"P1's put(3) into a BoundedQueue(2) holding 2 items returned without waiting "
                    f"(before P2's first get, P2 saw qsize() = {size!r}): a put on a full queue "
                    f"must block until a get makes room, so the queue never holds more than its "
                    f"capacity")
        if "put(2)" in seen and size != 2:
            return f"with 2 items in a BoundedQueue(2) and a third put waiting, qsize() returned {size!r}, expected 2"
        if got != [1, 2, 3]:
            return f"P2 got {got!r}, expected [1, 2, 3] (FIFO; the waiting put goes in once there is room)"
        return None

    def taker(q):
        item = q.get()
        progress.append("get")
        return item

    def giver(q):
        time.sleep(1.0)
        seen = list(progress)
        q.put(5)
        return seen

    def check_empty(q, results):
        if results[1]:
            return (f"P1's get() on an empty queue returned {results[0]!r} before anything was put: "
                    f"a get on an empty queue must block until an item arrives")
        if plain_int(results[0], "P1's get()") != 5:
            return f"P1's get() returned {results[0]!r}, expected the 5 that P2 put"
        return None

    def reset(ctx, capacity):
        progress.clear()
        return BoundedQueue(capacity, ctx=ctx)

    full = Scenario("BoundedQueue(2); P1: put(1), put(2), put(3); P2: sleep(1), qsize(), 3 x get()",
                    lambda ctx: reset(ctx, 2), [filler, watcher], check_full)
    empty = Scenario("BoundedQueue(1); P1: get(); P2: sleep(1), put(5)",
                     lambda ctx: reset(ctx, 1), [taker, giver], check_empty)
    blocking = {"check": ("block while the queue is full (in put) or empty (in get): wait on a Condition "
                          "in a while loop, or acquire a Semaphore that counts the free slots or the items")}
    return [Plan(full, [DPOR, ("exhaustive", 0, 400, {"max_preemptions": 2})], blocking),
            Plan(empty, [DPOR, ("exhaustive", 0, 400, {"max_preemptions": 2})], blocking)]


def _attempt(q, method, args, timeout):
    """Call q.method(*args, timeout=...) and return (outcome, value, elapsed virtual s,
    virtual s spent waiting with a timeout). A timeout may expire while the process is
    kept from running, so elapsed time can exceed the timeout; the time spent waiting
    cannot, unless each wake-up starts a new wait of the full timeout."""
    start, waited = time.monotonic(), hooks.timed_wait_seconds()
    try:
        value = getattr(q, method)(*args, timeout=timeout)
        outcome = "returned"
    except (queue.Empty, queue.Full) as exc:
        outcome, value = type(exc).__name__, None
    except Exception as exc:
        outcome, value = "raised", f"{type(exc).__name__}: {exc}"
    return outcome, value, time.monotonic() - start, hooks.timed_wait_seconds() - waited


def _judge_timeout(who, call, outcome, value, elapsed, waited, expected_exc, timeout, *, may_return=False):
    if outcome == "returned" and may_return:
        return None
    if outcome == "returned":
        return f"{who}'s {call} returned {value!r}; it should raise queue.{expected_exc} after {timeout:g} s"
    if outcome == "raised":
        return (f"{who}'s {call} raised {value}, but the contract is queue.{expected_exc} "
                f"(import queue; raise queue.{expected_exc})")
    if outcome != expected_exc:
        return f"{who}'s {call} raised queue.{outcome}, expected queue.{expected_exc}"
    if elapsed < timeout - 1e-6:
        return (f"{who}'s {call} raised queue.{expected_exc} after {elapsed:.2f} s of (virtual) time; "
                f"it must wait the whole {timeout:g} s first")
    if waited > timeout + 0.05:
        return (f"{who}'s {call} raised queue.{expected_exc} only after waiting {waited:.2f} s of "
                f"(virtual) time instead of {timeout:g} s: each wake-up started a new full timeout. "
                f"Compute the deadline once (time.monotonic() + timeout) and after every wake-up wait "
                f"only for the time that remains")
    return None


def _timed_race(BoundedQueue, capacity, initial, puts, gets):
    """The parent puts ``initial``; P1 puts ``(item, timeout)`` pairs; P2 gets with the
    ``gets`` timeouts; then the parent takes what is left. A timeout may expire at any
    moment, also while the other process holds the queue's lock: whatever expired, an item
    whose put raised queue.Full must never come out, and every other item must come out
    exactly once, first in first out."""
    text = (f"BoundedQueue({capacity})" + (f" holding {initial}" if initial else "") + "; P1: " +
            ", ".join(f"put({x}, timeout={t:g})" for x, t in puts) + "; P2: " +
            ", ".join(f"get(timeout={t:g})" for t in gets))

    def setup(ctx):
        q = BoundedQueue(capacity, ctx=ctx)
        for item in initial:
            q.put(item)
        return q

    def putter(q):
        return [_attempt(q, "put", (x,), t)[:2] for x, t in puts]

    def getter(q):
        return [_attempt(q, "get", (), t)[:2] for t in gets]

    def check(q, results):
        outcomes = [("P1", f"put({x}, timeout={t:g})", r) for (x, t), r in zip(puts, results[0])] + \
                   [("P2", f"get(timeout={t:g})", r) for t, r in zip(gets, results[1])]
        for who, call, (outcome, value) in outcomes:
            if outcome == "raised":
                return (f"{who}'s {call} raised {value}; only queue.Full / queue.Empty may end a "
                        f"call whose timeout expired")
            if outcome in ("Full", "Empty") and outcome != ("Full" if call.startswith("put") else "Empty"):
                return f"{who}'s {call} raised queue.{outcome}"
        size = q.qsize()
        left = []
        for _ in range(capacity + 1):
            outcome, value = _attempt(q, "get", (), 0)[:2]
            if outcome != "returned":
                break
            left.append(value)
        refused = [x for (x, _), (outcome, _) in zip(puts, results[0]) if outcome == "Full"]
        accepted = list(initial) + [x for (x, _), (outcome, _) in zip(puts, results[0])
                                    if outcome == "returned"]
        got = [value for outcome, value in results[1] if outcome == "returned"]
        came_out = got + left
        for item in refused:
            if item in came_out:
                return (f"P1's put({item}) raised queue.Full, but {item} came out of the queue "
                        f"anyway (P2 got {got!r}, the parent then took {left!r}): a put whose "
                        f"timeout expired must not add its item")
        if came_out != accepted:
            return (f"the queue accepted {accepted!r} (in that order), but P2 got {got!r} and the "
                    f"parent then took {left!r}: when a timeout expires while another process "
                    f"holds the queue, the queue must stay consistent")
        if size != len(left):
            return f"after the processes finished, qsize() returned {size!r} but {len(left)} items were left"
        return None

    return Scenario(text, setup, [putter, getter], check)


_TIMED_RACE_FIX = ("a timeout can expire at any moment, also while another process holds the queue's lock "
                   "(a busy machine can keep that process from running for longer than any timeout): a "
                   "put or get whose timeout expired must give up without changing the queue, and must "
                   "never use the queue without holding its lock")


@controlled("timeouts: queue.Full / queue.Empty after exactly the timeout, even when other processes keep "
            "waking the waiter; timed puts and gets racing each other (timeouts 0 and 0.001 s, capacity 1, "
            "the ends of the 64-bit range) lose, duplicate and reorder nothing", fixes=FIXES, globals_mode="time")
def timeouts_not_restarted(BoundedQueue):
    current = {"call": None}

    def alone(q):
        current["call"] = "get(timeout=0.5) on an empty queue"
        first = _attempt(q, "get", (), 0.5)
        q.put(1)
        current["call"] = "put(2, timeout=0.25) on a full queue"
        second = _attempt(q, "put", (2,), 0.25)
        current["call"] = None
        return first, second

    def check_alone(q, results):
        first, second = results[0]
        return (_judge_timeout("P1", "get(timeout=0.5) on an empty queue", *first, "Empty", 0.5) or
                _judge_timeout("P1", "put(2, timeout=0.25) on a full queue", *second, "Full", 0.25))

    def waiting_getter(q):
        return _attempt(q, "get", (), 1.0)

    def churner_put_get(q):
        for k in (1, 2, 3):
            time.sleep(0.3)
            q.put(k)
            try:
                q.get(timeout=0.05)      # take it back before the waiter does, if it can
            except queue.Empty:
                pass

    def check_getter(q, results):
        return _judge_timeout("P1", "get(timeout=1.0)", *results[0], "Empty", 1.0, may_return=True)

    def waiting_putter(q):
        return _attempt(q, "put", (9,), 1.0)

    def churner_get_put(q):
        for k in (1, 2, 3):
            time.sleep(0.3)
            q.get()
            try:
                q.put(k, timeout=0.05)   # fill it again before the waiter can, if it can
            except queue.Full:
                pass

    def full_queue(ctx):
        q = BoundedQueue(1, ctx=ctx)
        q.put(0)
        return q

    def alone_fix(failure, story):
        if current["call"]:
            return (f"P1's {current['call']} never returned: pass the timeout on to wait()/acquire() "
                    f"and raise once it has expired")
        return None

    waits = {"deadlock": alone_fix, "deadlock-cycle": alone_fix, "lost-wakeup": alone_fix,
             "check": ("compute the deadline once (time.monotonic() + timeout) and after every wake-up wait "
                       "only for the time that remains; raise queue.Empty / queue.Full once it has passed")}
    scenarios = [
        (Scenario("BoundedQueue(1); P1: get(timeout=0.5), put(1), put(2, timeout=0.25)",
                  lambda ctx: BoundedQueue(1, ctx=ctx), [alone], check_alone),
         [("random", 0, 1, {})]),
        (Scenario("BoundedQueue(1), empty; P1: get(timeout=1.0); P2: 3 x (sleep(0.3), put(k), "
                  "get(timeout=0.05))", lambda ctx: BoundedQueue(1, ctx=ctx),
                  [waiting_getter, churner_put_get], check_getter),
         [("random", 21, 200, {}), ("pct", 22, 100, {"depth": 3})]),
        (Scenario("BoundedQueue(1) holding 0; P1: put(9, timeout=1.0); P2: 3 x (sleep(0.3), get(), "
                  "put(k, timeout=0.05))", full_queue, [waiting_putter, churner_get_put],
                  lambda q, results: _judge_timeout("P1", "put(9, timeout=1.0)", *results[0], "Full",
                                                    1.0, may_return=True)),
         [("random", 23, 200, {}), ("pct", 24, 100, {"depth": 3})]),
    ]
    races = [
        _timed_race(BoundedQueue, 1, [], [(MIN64, 0.001), (MAX64, 0)], [0.001]),
        _timed_race(BoundedQueue, 1, [7], [(8, 0)], [0, 0]),
        _timed_race(BoundedQueue, 2, [], [(1, 0.5), (2, 0)], [0.5]),
    ]
    raced = {kind: _TIMED_RACE_FIX for kind in ("deadlock", "deadlock-cycle", "lost-wakeup", "check",
                                                "exception", "stale-wakeup", "lost-update")}
    return [Plan(scenario, runs, waits) for scenario, runs in scenarios] + \
        [Plan(race, [DPOR, ("random", 31, 300, {}), ("pct", 32, 200, {"depth": 3})], raced) for race in races]


# ------------------------------------------------------------------ real processes
# Runs with one child process at a time are deterministic: what the child and the parent see
# there decides (shared state, objects that can be sent under every start method, timeouts
# with real primitives). Runs of several processes at once depend on timing: what only a
# wrong answer can produce there (an item lost, duplicated or out of order) is evidence and
# fails the property; a hang, which load can cause too, is only a note.
def _values(returned) -> list:
    """The results a child reported (as reprs): ints where the repr is an int literal, else the
    text itself (which then equals no item that was put)."""
    values = []
    for text in returned:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = text
        values.append(value if type(value) is int else text)
    return values


def _unshared_hint(method: str) -> str:
    return (f"the child changed its own copy of the queue under {method}. Keep the items, the "
            f"indices and the count in shared memory from ctx (ctx.Array, ctx.Value / RawValue), "
            f"not in a Python list or a plain attribute")


def _parent_puts(BoundedQueue, capacity, items):
    """make_obj for run_real: a queue the parent has already put ``items`` into."""
    def make(ctx):
        q = built_within(lambda ctx: BoundedQueue(capacity, ctx=ctx), STEP_DEADLINE)(ctx)
        for item in items:
            try:
                call_with_deadline(lambda: q.put(item), STEP_DEADLINE)
            except Stuck as exc:
                raise Stuck(f"the parent's put({item}) into a BoundedQueue({capacity}) holding "
                            f"fewer than {capacity} items {exc}") from None
        return q
    return make


def _parent_takes(q, n) -> tuple[object, list]:
    """In the parent after a run: qsize(), then up to ``n`` x get(timeout=0.5), stopping at
    the first queue.Empty (recorded as the string "queue.Empty")."""
    size = plain_int(call_with_deadline(q.qsize, STEP_DEADLINE), "the parent's qsize()")
    back = []
    for _ in range(n):
        try:
            back.append(plain_int(call_with_deadline(lambda: q.get(timeout=0.5), STEP_DEADLINE),
                                  "the parent's get(timeout=0.5)"))
        except queue.Empty:
            back.append("queue.Empty")
            break
    return size, back


def _judge_parent(method, size, back, expected, stale, what) -> str | None:
    """``back``: what the parent got after the child put ``expected``; ``stale``: items the
    parent had put and the child had taken (they must be gone)."""
    if back != expected:
        if back and (back[0] == "queue.Empty" or (stale and back[0] == stale[0])):
            seen = "finds the queue empty" if back[0] == "queue.Empty" else \
                f"still finds its own item {stale[0]!r}, which P1 had taken"
            return f"after {what}, the parent {seen}: {_unshared_hint(method)}"
        return f"after {what}, the parent got {back!r}, expected {expected!r}"
    if size != len(expected):
        return (f"after {what}, the parent's qsize() returned {size!r} while the queue held "
                f"{len(expected)} items")
    return None


def _parent_finds(run, method, expected, stale, what) -> str | None:
    """After the child's run: what the parent takes out must be ``expected`` (see _judge_parent)."""
    try:
        size, back = _parent_takes(run.obj, len(expected))
    except NotAnInt as exc:
        return str(exc)
    except Stuck as exc:
        return f"in the parent, after P1 finished, a call {exc}"
    except Exception as exc:
        return f"in the parent, after P1 finished, raised {type(exc).__name__}: {exc}"
    return _judge_parent(method, size, back, expected, stale, what)


def _exchange_with_parent(BoundedQueue, method: str) -> tuple[str | None, str]:
    """The parent puts 2 items; P1 takes them and puts 3; the parent checks and takes those."""
    ours, theirs = [MIN64, MAX64], [-5, 2 ** 40, 0]
    calls = [[Call("get", (), 2, collect=True)] + [Call("put", (x,)) for x in theirs]]
    scenario = (f"BoundedQueue(3) under {method}; parent: put({MIN64}), put({MAX64}); "
                f"P1: get(), get(), put(-5), put({2 ** 40}), put(0); then the parent: qsize(), "
                f"3 x get(timeout=0.5)")
    run = run_real(_parent_puts(BoundedQueue, 3, ours), calls, method, REAL_DEADLINE)
    problem = run.problem()
    if problem:
        if run.hung:
            problem += (": P1 was alone with the queue, so it waited for the parent's 2 items or for "
                        "room that was there. Are the items and the count in shared memory?")
        return problem, scenario
    got = _values(run.outcomes[0].returned[0])
    if got != ours:
        return (f"P1's two get() calls returned {got!r}, but the parent had put {ours!r} before "
                f"starting it"), scenario
    return _parent_finds(run, method, theirs, ours, "P1 took the parent's 2 items and put 3 of its own"), scenario


def _full_in_child(BoundedQueue, method: str) -> tuple[str | None, str]:
    """P1 fills a BoundedQueue(2) and its third put(timeout=0.2) must raise queue.Full; the
    parent then finds exactly P1's two items."""
    items = [MAX64, -1]
    calls = [[Call("put", (x,)) for x in items] + [Call("put", (7, 0.2))]]
    scenario = (f"BoundedQueue(2) under {method}; P1: put({MAX64}), put(-1), put(7, 0.2); then the "
                f"parent: qsize(), 2 x get(timeout=0.5)")
    run = run_real(built_within(lambda ctx: BoundedQueue(2, ctx=ctx)), calls, method, REAL_DEADLINE)
    outcome = run.outcomes[0]
    if run.setup_error or run.hung:
        problem = run.problem()
        if run.hung:
            problem += ": a put(item, timeout) on a full queue must give up after its timeout"
        return problem, scenario
    if outcome.error is None:
        return ("P1's put(7, 0.2) on a full BoundedQueue(2) returned instead of raising queue.Full "
                "after 0.2 s: the queue took more items than its capacity"), scenario
    if not (outcome.error.startswith("Full:") and outcome.failed_call == "put(7, 0.2)"):
        where = f" in {outcome.failed_call}" if outcome.failed_call else ""
        return (f"P1 raised {outcome.error}{where}; expected only queue.Full from the third put, "
                f"put(7, 0.2) on a full queue"), scenario
    return _parent_finds(run, method, items, [], "P1 put 2 items and its third put timed out"), scenario


def _producers_consumers(BoundedQueue, method, capacity, producers, consumers):
    """A run of several producers and consumers at once. Returns (verdict, message,
    scenario, hung) where verdict is None (all well), "fail" (the object could not be built
    or sent, or evidence of a bug: an item lost, duplicated or out of order, a wrong qsize)
    or "note" (the run did not finish in time, which load can cause too)."""
    calls = [[Call("put", (x,)) for x in items] for items in producers] + \
            [[Call("get", (), n, collect=True)] for n in consumers]
    labels = [f"P{i}" for i in range(1, len(calls) + 1)]
    prod_labels, cons_labels = labels[:len(producers)], labels[len(producers):]
    scenario = f"BoundedQueue({capacity}) under {method}; " + "; ".join(
        [f"{who}: put({items[0]}), ..., put({items[-1]}) ({len(items)} items)"
         for who, items in zip(prod_labels, producers)] +
        [f"{who}: {n} x get()" for who, n in zip(cons_labels, consumers)])
    run = run_real(built_within(lambda ctx: BoundedQueue(capacity, ctx=ctx)), calls, method, NOTE_DEADLINE)
    if run.setup_error:
        return "fail", run.setup_error, scenario, False
    problem = run.problem()
    if problem:
        if run.hung:
            problem += (" (as many items were put as taken, so an item or a wake-up was lost, "
                        "or the processes do not share the queue)")
        return "note", problem, scenario, bool(run.hung)
    gets = {who: _values(run.outcomes[i].returned[0])
            for i, who in enumerate(cons_labels, len(producers))}
    problem = _delivery_problem(dict(zip(prod_labels, producers)), gets)
    if problem:
        return "fail", f"under {method}, {problem}", scenario, False
    try:
        size = plain_int(call_with_deadline(run.obj.qsize, STEP_DEADLINE), "the parent's qsize()")
    except NotAnInt as exc:
        return "fail", str(exc), scenario, False
    except Stuck as exc:
        return "note", f"the parent's qsize() after the run {exc}", scenario, True
    if size != 0:
        return "fail", f"under {method}, every item was taken out, but the parent's qsize() is {size!r}", \
            scenario, False
    return None, None, scenario, False


def _items(start: int, step: int, n: int) -> list[int]:
    return [start + step * k for k in range(n)]


def shared_across_processes(BoundedQueue) -> PropertyResult:
    title = (f"real processes ({', '.join(start_methods())}): items pass from the parent to a "
             f"child and back, in order; 2 producers and 2 consumers at once")
    producers = [_items(MIN64, 7, 1500), _items(MAX64, -5, 1500)]
    return real_property(title, BoundedQueue, _exchange_with_parent,
                         lambda method: _producers_consumers(BoundedQueue, method, 4, producers, [1500, 1500]),
                         FIXES["check"])


def stress_across_processes(BoundedQueue) -> PropertyResult:
    title = (f"real processes ({', '.join(start_methods())}): a child's put on a full queue raises "
             f"queue.Full after its timeout; 4 producers and 2 consumers at once under load")
    producers = [_items(MIN64, 1, 5000), _items(-10 ** 9, 1, 5000), _items(MAX64, -1, 5000),
                 _items(10 ** 9, 1, 5000)]
    return real_property(title, BoundedQueue, _full_in_child,
                         lambda method: _producers_consumers(BoundedQueue, method, 16, producers, [9000, 11000]),
                         FIXES["check"])


# Each suite's properties, in order; their points are in autograder/checks/weights.py.
SUITES = suites("bounded_queue", {
    "visible": [fifo_in_one_process, timeouts_in_one_process, no_lost_wakeups_controlled, shared_across_processes],
    "hidden": [blocks_when_full_or_empty, timeouts_not_restarted, stress_controlled, stress_across_processes],
})

# Items lost, duplicated or out of order in real processes disprove the controlled runs' "no
# lost or duplicated items", whatever those saw (see safe_counter.CONTRADICTED_BY_EVIDENCE).
CONTRADICTED_BY_EVIDENCE = {"shared_across_processes": "no_lost_wakeups_controlled",
                            "stress_across_processes": "stress_controlled"}

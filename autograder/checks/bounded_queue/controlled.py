"""The bounded queue under controlled interleavings: no lost or stolen wake-ups, no lost or
duplicated items, blocking while full or empty, and timeouts (in virtual time) that are not
restarted by wake-ups and leave the queue consistent whenever they expire."""
from __future__ import annotations

import queue
import time

from autograder.engine import Scenario, hooks
from ..common import plain_int
from ..controlled import Plan, controlled
from ..searches import Bounded, Dpor, Pct, RandomWalk
from .items import MAX64, MIN64, delivery_problem


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
        problem = delivery_problem(dict(zip(prod_labels, producers)), gets)
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
        Plan(_pc_scenario(Q, 1, [[1, 2]], [2]), [Dpor(), Bounded(3, 2000)]),
        Plan(_pc_scenario(Q, 1, [[1], [2]], [1, 1]), [Dpor(), Bounded(1, 800), RandomWalk(3, 400)]),
        # thousands of distinct interleavings: explored by bounded search and random only
        Plan(_pc_scenario(Q, 2, [[1, 2, 3]], [1, 2]), [Bounded(1, 800), RandomWalk(4, 300)]),
        Plan(_pc_scenario(Q, 2, [[1], [2]], [2]), [Dpor(), Bounded(1, 800), RandomWalk(5, 300)]),
    ]


@controlled("no lost or stolen wake-ups with 2 producers and 2 consumers across a wrapping buffer "
            "(PCT and random search: too many interleavings to try them all)", fixes=FIXES, globals_mode="time")
def stress_controlled(Q):
    return [
        Plan(_pc_scenario(Q, 2, [[1, 2], [3, 4]], [2, 2]), [Pct(5, 400, depth=3), RandomWalk(8, 400)]),
        Plan(_pc_scenario(Q, 3, [[1, 2, 3, 4, 5], [6, 7]], [4, 3]), [Pct(9, 300, depth=2), RandomWalk(10, 300)]),
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
    return [Plan(full, [Dpor(), Bounded(2, 400)], blocking),
            Plan(empty, [Dpor(), Bounded(2, 400)], blocking)]


def attempt(q, method, args, timeout):
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
        return [attempt(q, "put", (x,), t)[:2] for x, t in puts]

    def getter(q):
        return [attempt(q, "get", (), t)[:2] for t in gets]

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
            outcome, value = attempt(q, "get", (), 0)[:2]
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
        first = attempt(q, "get", (), 0.5)
        q.put(1)
        current["call"] = "put(2, timeout=0.25) on a full queue"
        second = attempt(q, "put", (2,), 0.25)
        current["call"] = None
        return first, second

    def check_alone(q, results):
        first, second = results[0]
        return (_judge_timeout("P1", "get(timeout=0.5) on an empty queue", *first, "Empty", 0.5) or
                _judge_timeout("P1", "put(2, timeout=0.25) on a full queue", *second, "Full", 0.25))

    def waiting_getter(q):
        return attempt(q, "get", (), 1.0)

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
        return attempt(q, "put", (9,), 1.0)

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
         [RandomWalk(0, 1)]),
        (Scenario("BoundedQueue(1), empty; P1: get(timeout=1.0); P2: 3 x (sleep(0.3), put(k), "
                  "get(timeout=0.05))", lambda ctx: BoundedQueue(1, ctx=ctx),
                  [waiting_getter, churner_put_get], check_getter),
         [RandomWalk(21, 200), Pct(22, 100, depth=3)]),
        (Scenario("BoundedQueue(1) holding 0; P1: put(9, timeout=1.0); P2: 3 x (sleep(0.3), get(), "
                  "put(k, timeout=0.05))", full_queue, [waiting_putter, churner_get_put],
                  lambda q, results: _judge_timeout("P1", "put(9, timeout=1.0)", *results[0], "Full",
                                                    1.0, may_return=True)),
         [RandomWalk(23, 200), Pct(24, 100, depth=3)]),
    ]
    races = [
        _timed_race(BoundedQueue, 1, [], [(MIN64, 0.001), (MAX64, 0)], [0.001]),
        _timed_race(BoundedQueue, 1, [7], [(8, 0)], [0, 0]),
        _timed_race(BoundedQueue, 2, [], [(1, 0.5), (2, 0)], [0.5]),
    ]
    raced = {kind: _TIMED_RACE_FIX for kind in ("deadlock", "deadlock-cycle", "lost-wakeup", "check",
                                                "exception", "stale-wakeup", "lost-update")}
    return [Plan(scenario, searches, waits) for scenario, searches in scenarios] + \
        [Plan(race, [Dpor(), RandomWalk(31, 300), Pct(32, 200, depth=3)], raced) for race in races]


"""More of the queue's contract under controlled interleavings: an untimed wait beside (and
after) one whose timeout expired. A timed-out get must leave everything the other waiters
rely on as it was (a count of waiters, a flag): an untimed get still waiting must be woken by
the next put."""
from __future__ import annotations

from autograder.engine import Scenario
from ..common import plain_int
from ..controlled import Finding, Plan, controlled
from ..searches import Dpor, Pct, RandomWalk
from .controlled import FIXES, attempt

_WAKE_FIX = ("a get whose timeout expired must undo exactly its own bookkeeping (one waiter less, not "
             "none) and leave the others' as it was; simplest is to notify on every put and get, "
             "whoever you think waits")


@controlled("an untimed get beside and after a get whose timeout expired: P1: get(timeout=0.1), get(); "
            "P2: get(); P3: put(5), put(6), put(7) (every interleaving, or PCT and random search)",
            fixes={**FIXES, "deadlock": _WAKE_FIX, "lost-wakeup": _WAKE_FIX}, globals_mode="time")
def untimed_after_timed_out(BoundedQueue):
    def timed_then_untimed(q):
        first = attempt(q, "get", (), 0.1)[:2]
        return [first, ("returned", q.get())]

    def untimed(q):
        return [("returned", q.get())]

    def producer(q):
        for item in (5, 6, 7):
            q.put(item)

    def check(q, results):
        got = [v for who in results[:2] for outcome, v in who if outcome == "returned"]
        raised = [v for who in results[:2] for outcome, v in who if outcome not in ("returned", "Empty")]
        if raised:
            return f"a get raised {raised[0]}; only queue.Empty may end a get whose timeout expired"
        for v in got:
            plain_int(v, "get()")
        size = plain_int(q.qsize(), "qsize()")
        if sorted(got) != sorted(set(got)) or not set(got) <= {5, 6, 7} or size != 3 - len(got):
            return Finding(f"P1 and P2 got {got!r} of the items 5, 6, 7 and qsize() is {size}: every item must "
                           f"come out once", kind="items")
        return None

    scenario = Scenario("BoundedQueue(3); P1: get(timeout=0.1), get(); P2: get(); P3: put(5), put(6), put(7)",
                        lambda ctx: BoundedQueue(3, ctx=ctx), [timed_then_untimed, untimed, producer], check)
    return [Plan(scenario, [Dpor(budget=1500), Pct(31, 300, depth=3), RandomWalk(37, 300)])]

"""The bounded queue in one process, with the real ctx: ValueError for a capacity below 1,
FIFO order and qsize() across the ring buffer's wrap-around and the 64-bit range, and
timeouts that raise queue.Full / queue.Empty on time."""
from __future__ import annotations

import queue
import time

from autograder.deadlines import machine_share
from ..common import NotAnInt, Stuck, call_with_deadline, plain_int
from ..report import PropertyResult
from ..settings import active
from .items import MAX64, MIN64


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

    def call(self, text: str, fn, deadline: float | None = None):
        self.history.append(text)
        return call_with_deadline(fn, deadline)


def _stuck_message(script: _Script, what: str, exc: Stuck) -> str:
    return (f"{script.after(skip_last=True)}: {what} {exc} in a single process. It should not wait at all here: "
            f"does it take a lock it already holds (a ctx.Lock is not re-entrant), or wait "
            f"for a condition that is already true?")


def _expect_value_error(BoundedQueue, capacity):
    try:
        call_with_deadline(lambda: BoundedQueue(capacity))
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
        result = script.call(text, fn, timeout + active().call_deadline)
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


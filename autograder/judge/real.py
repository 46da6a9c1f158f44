"""A real-process run driven by the judge: each child gets only its own calls.

The object lives in a real-run worker (the *parent*), built with multiprocessing's context for
one start method. For a run the judge makes one socket pair per child, hands the children's
ends to the parent, which starts the children with the object as a ``Process`` argument (the
way multiprocessing shares locks and shared memory) behind a start barrier, and then sends
each child its own calls on its own socket. Each child reports what its calls returned to the
judge directly; the parent only says how each child ended. So the parent, which afterwards
answers the final observation (``value``, ``qsize()``, ``total()``), never receives the
scenario. Every wait has a deadline in machine share.
"""
from __future__ import annotations

import select
import socket

from autograder.deadlines import Deadline
from autograder.worker.wire import Channel, Closed, ProtocolError

from .links import WorkerLost
from .remote import RemoteObject, remote_exception

__all__ = ["run_children", "GRACE"]

#: seconds (machine share) the parent may take past the run's deadline to stop and reap its children
GRACE = 15.0


def run_children(obj: RemoteObject, calls: list[list[dict]], deadline: float) -> list[dict]:
    """Run child ``i`` with ``calls[i]`` (worker/serve.run_calls's form) on ``obj``'s worker
    within ``deadline`` seconds. Returns per child ``{"outcome": what it reported or None,
    "exitcode", "killed", "broken_barrier"}``; raises what the parent raised if the children
    could not be started (the object could not be sent, say)."""
    link = obj._link
    pairs = [socket.socketpair() for _ in calls]
    ours = [Channel(a, timeout=0.05) for a, _ in pairs]
    if not link.lock.acquire(timeout=1.0):
        raise WorkerLost("the process running the answer is still busy with a call that did not return")
    try:
        try:
            link.send({"batch": {"obj": obj._ident, "children": len(calls), "deadline": deadline}},
                      fds=[b.fileno() for _, b in pairs])
        finally:
            for _, b in pairs:
                b.close()
        for channel, own in zip(ours, calls):
            try:
                channel.send({"calls": own})
            except OSError:
                pass                       # that child is gone already; the parent will say so
        outcomes, parent = _collect(link, ours, deadline)
    finally:
        link.lock.release()
        for channel in ours:
            channel.close()
    if parent is None:
        link.close()                       # it did not stop its children: they die with it
        return [{"outcome": o, "exitcode": None, "killed": o is None, "broken_barrier": False} for o in outcomes]
    if "raised" in parent:
        raise remote_exception(parent["raised"])
    children = parent.get("ret", {}).get("children") if type(parent.get("ret")) is dict else None
    if type(children) is not list or len(children) != len(calls) or not all(type(c) is dict for c in children):
        link.close()
        raise WorkerLost("the process running the answer broke the protocol: a malformed batch")
    return [{"outcome": o, "exitcode": c.get("exitcode") if type(c.get("exitcode")) is int else None,
             "killed": c.get("killed") is True, "broken_barrier": c.get("broken_barrier") is True}
            for o, c in zip(outcomes, children)]


def _collect(link, children: list[Channel], deadline: float):
    """Wait for every child's report and the parent's reply, within the deadline (and, for
    the parent, the grace after it)."""
    outcomes: list = [None] * len(children)
    open_ = set(range(len(children)))
    parent = None
    clock, grace = Deadline(deadline), None
    try:
        parent = link.channel.next_message()      # already read with an earlier reply
    except ProtocolError:
        link.close()
        return outcomes, None
    while parent is None or open_:
        if parent is not None:
            grace = grace or Deadline(1.0)        # what a child sent before it ended is here by now
            if grace.expired():
                break
        elif clock.expired():
            grace = grace or Deadline(GRACE)
            if grace.expired():
                break
        watched = {children[i].sock: i for i in open_}
        if parent is None:
            watched[link.channel.sock] = -1
        ready, _, _ = select.select(list(watched), [], [], 0.05)
        for sock in ready:
            i = watched[sock]
            channel = link.channel if i < 0 else children[i]
            try:
                channel.feed()
                message = channel.next_message()
            except (Closed, ProtocolError):
                if i < 0:
                    link.close()
                    return outcomes, None
                open_.discard(i)
                continue
            if message is None:
                continue
            if i < 0:
                parent = message
            else:
                outcome = message.get("outcome")
                outcomes[i] = outcome if _well_formed(outcome) else None
                open_.discard(i)
    return outcomes, parent


def _well_formed(outcome) -> bool:
    return (type(outcome) is dict and type(outcome.get("returned")) is list
            and (outcome.get("error") is None or type(outcome.get("error")) is str)
            and (outcome.get("failed_call") is None or type(outcome.get("failed_call")) is str))

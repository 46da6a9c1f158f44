"""Lesson 05's examples: a pool of tickets guarded by a Condition, right and wrong.

``take()`` waits until a ticket is available and takes it; ``give(n)`` adds ``n`` tickets
and wakes waiters. Every class takes ``ctx`` (a multiprocessing context, or the grader's
controlled one) and keeps its count in shared memory. The wrong versions each carry one
classic bug, which the lesson first finds by exploring interleavings, then shows in
real processes:

* ``TicketsIf``: waits under ``if`` instead of ``while`` (a stolen wake-up breaks it);
* ``TicketsNotifyOne``: ``give(n)`` wakes one waiter although ``n`` could go on (lost wake-ups);
* ``TicketsCheckOutside``: tests the count before taking the lock (a wake-up lost in between);
* ``TicketsList``: keeps the tickets in a Python list, which is not shared at all.
"""
from __future__ import annotations

import multiprocessing
import time


class TicketsWhile:
    """Correct: wait inside ``while``, and wake every waiter when tickets arrive."""

    def __init__(self, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._available = ctx.Value("q", 0, lock=False)     # guarded by self._changed
        self._changed = ctx.Condition(ctx.Lock())

    def take(self, timeout=None) -> int:
        """Take a ticket, waiting at most ``timeout`` s for one; return how many are left."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._available.value > 0, timeout):
                raise TimeoutError(f"no ticket within {timeout} s")
            self._available.value -= 1
            return self._available.value

    def give(self, n: int = 1) -> None:
        with self._changed:
            self._available.value += n
            self._changed.notify_all()

    @property
    def available(self) -> int:
        with self._changed:
            return self._available.value


class TicketsIf(TicketsWhile):
    """Bug: ``if`` instead of ``while``. Woken up, it takes a ticket without looking again,
    though another process may have taken it in between (a *stolen* wake-up)."""

    def take(self, timeout=None) -> int:
        with self._changed:
            if self._available.value == 0:
                self._changed.wait(timeout)
            self._available.value -= 1      # may go below 0
            return self._available.value


class TicketsNotifyOne(TicketsWhile):
    """Bug: ``give(n)`` wakes one waiter, though ``n`` waiters could go on: the others sleep
    on, with tickets available (*lost* wake-ups)."""

    def give(self, n: int = 1) -> None:
        with self._changed:
            self._available.value += n
            self._changed.notify()


class TicketsCheckOutside(TicketsWhile):
    """Bug: looks at the count *before* taking the lock. If a ``give`` happens between the
    look and the ``wait``, its notify finds nobody waiting and is lost."""

    def take(self, timeout=None) -> int:
        if self._available.value == 0:          # looked at without the lock...
            with self._changed:
                self._changed.wait(timeout)     # ...so the wake-up may already be gone
        with self._changed:
            self._available.value -= 1
            return self._available.value


class TicketsList:
    """Bug: the tickets are a Python list. The Condition is shared between processes, but
    the list is not: every process appends to and pops from its own copy."""

    def __init__(self, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._tickets = []
        self._changed = ctx.Condition(ctx.Lock())

    def take(self, timeout=None) -> int:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._tickets) > 0, timeout):
                raise TimeoutError(f"no ticket within {timeout} s")
            self._tickets.pop()
            return len(self._tickets)

    def give(self, n: int = 1) -> None:
        with self._changed:
            self._tickets.extend(["ticket"] * n)
            self._changed.notify_all()

    @property
    def available(self) -> int:
        with self._changed:
            return len(self._tickets)


# ------------------------------------------------------------------ what the processes run


def take_tickets(tickets, n: int, timeout: float) -> int:
    """Take ``n`` tickets, one at a time; return how many it got before a timeout."""
    got = 0
    for _ in range(n):
        try:
            tickets.take(timeout)
        except TimeoutError:
            break
        got += 1
    return got


def give_tickets(tickets, batches: list, pause: float) -> None:
    """Give ``batches[k]`` tickets at a time, ``pause`` s apart."""
    for n in batches:
        time.sleep(pause)
        tickets.give(n)


# ------------------------------------------------------------------ scenarios for the explorer


def scenario(cls, name: str, takers: int = 2, batches=(1, 1), timeout=None):
    """A Scenario for autograder.engine: ``takers`` processes take one ticket each while
    one process gives ``batches``. A taker that takes a ticket that is not there (the count
    goes negative) fails at once; afterwards the count must be what is left over. With a
    ``timeout``, a take may also give up (TimeoutError): the count must then still add up."""
    from autograder.engine import Scenario

    def taker(t):
        try:
            left = t.take(timeout)
        except TimeoutError:
            return "timed out"
        if left < 0:
            raise AssertionError(f"took a ticket that was not there (the count is now {left})")
        return left

    def giver(t):
        for n in batches:
            t.give(n)

    def check(t, results):
        left = t._available.value
        taken = sum(1 for r in results[:takers] if r != "timed out")
        if left < 0:
            return f"the count of tickets went negative ({left}): a process took a ticket that was not there"
        if left != sum(batches) - taken:
            return f"{left} tickets left over, expected {sum(batches) - taken} ({taken} taken)"
        return None

    return Scenario(name=name, setup=lambda ctx: cls(ctx=ctx),
                    processes=[taker] * takers + [giver], check=check, step_budget=2_000)

"""Answers checked one ahead: while a test looks at one answer's reports, the next answer's
checks already run.

One answer's judge and its workers take turns (every operation of a controlled run is a round
trip between them), so one answer's checks keep about one core busy. The tests that check
many answers (test_corpus, test_fairness) ask for them in their collection order through
:class:`CheckAhead`, which keeps at most two answers' checks running: the one a test waits
for and the next. Each check job has its own deadline (sandbox/checker.py); waiting for one
has a deadline too, counted in machine share. Under pytest-xdist the module must stay in one
worker (`make test` passes ``--dist loadfile``): the plan is the whole module's order.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable, Hashable

from autograder.deadlines import Deadline
from autograder.sandbox.checker import CHECK_DEADLINE

#: how long a test waits for one answer's checks: its own job's deadline, plus the one ahead of it
WAIT = 2 * CHECK_DEADLINE + 60


class CheckAhead:
    """``plan`` the calls in the order the tests will ask for them; ``result(key)`` starts that
    call and the next planned one (if not started yet) and returns the call's value."""

    def __init__(self, ahead: int = 1):
        self._pool = ThreadPoolExecutor(max_workers=ahead + 1)
        self._ahead = ahead
        self._planned: list[tuple[Hashable, Callable[[], object]]] = []
        self._started: dict[Hashable, Future] = {}

    def plan(self, key: Hashable, call: Callable[[], object]) -> None:
        self._planned.append((key, call))

    def result(self, key: Hashable):
        keys = [k for k, _ in self._planned]
        if key not in keys:
            raise KeyError(f"{key!r} was not planned")
        at = keys.index(key)
        for k, call in self._planned[at:at + 1 + self._ahead]:
            if k not in self._started:
                self._started[k] = self._pool.submit(call)
        future = self._started.pop(key)
        self._planned.pop(at)
        deadline = Deadline(WAIT)
        while True:
            try:
                return future.result(timeout=max(deadline.wait_step(5.0), 0.1))
            except FutureTimeout:
                if deadline.expired():
                    raise TimeoutError(f"{key!r}: its checks did not finish within {WAIT:g} s") from None

    def close(self) -> None:
        for future in self._started.values():
            future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)

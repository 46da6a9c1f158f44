"""Code the lessons run in child processes (lessons 01-07).

It lives in a module, not in the notebooks, because under spawn and forkserver a child
process imports its target by module name and a notebook's functions have none. Every
blocking call here has a timeout, so a child never waits forever.
"""
from __future__ import annotations

import multiprocessing
import time

# ---------------------------------------------------------------- 01 · processes

COUNTER = 0          # an ordinary module global: each process has its own copy


def increment_global(times: int) -> int:
    """Add 1 to this module's COUNTER ``times`` times; return what this process sees."""
    global COUNTER
    for _ in range(times):
        COUNTER += 1
    return COUNTER


def append_to_list(items: list, value) -> int:
    """Append to a list passed as a Process argument (the child's copy); return its length."""
    items.append(value)
    return len(items)


def add_unsafely(shared, times: int) -> None:
    """``shared.value += 1`` with no lock around the read-add-write."""
    for _ in range(times):
        shared.value += 1


def add_unsafely_for(shared, seconds: float) -> int:
    """``shared.value += 1`` without a lock, over and over for ``seconds``; return how many
    increments this process made (so the parent can count how many were lost)."""
    made = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(100):
            shared.value += 1
        made += 100
    return made


def add_with_lock(shared, times: int) -> None:
    """The same increment, holding the Value's own lock for the whole read-add-write."""
    for _ in range(times):
        with shared.get_lock():
            shared.value += 1


def add_with_lock_traced(shared, times: int, pause: float = 0.0) -> None:
    """add_with_lock, with a pause outside the lock (so a timeline shows turns being taken)."""
    for _ in range(times):
        with shared.get_lock():
            shared.value += 1
        if pause:
            time.sleep(pause)


def add_slowly(shared, times: int, hold: float, work: float, activity=None) -> None:
    """Read, pause ``hold`` s, write back, all under the Value's own lock; then work ``work`` s
    outside it (inside ``activity`` when one is given, so a timeline shows it)."""
    for _ in range(times):
        with shared.get_lock():
            seen = shared.value
            time.sleep(hold)
            shared.value = seen + 1
        if activity is not None:
            with activity:
                time.sleep(work)
        else:
            time.sleep(work)


def square_slice(numbers, start: int, stop: int) -> None:
    """Square ``numbers[start:stop]`` in place (an Array; no other process touches this slice)."""
    for i in range(start, stop):
        numbers[i] = numbers[i] * numbers[i]


def add_to_slot(numbers, slot: int, times: int) -> None:
    """Increment one element of an Array ``times`` times (each process owns its own slot)."""
    for _ in range(times):
        numbers[slot] += 1


# ---------------------------------------------------------------- 02 · locks


def add_with_lock_for(shared, lock, seconds: float) -> int:
    """``shared.value += 1`` holding ``lock`` each time, for ``seconds``; return how many."""
    made = 0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(100):
            with lock:
                shared.value += 1
        made += 100
    return made


def add_with_own_lock_for(shared, seconds: float) -> int:
    """A mistake: the lock is made *inside* the process, so every process has its own."""
    lock = multiprocessing.get_context().Lock()
    return add_with_lock_for(shared, lock, seconds)


def update_without_finally(lock, shared, fail: bool, start_after: float = 0.0) -> None:
    """acquire(), update, release(): but the update raises when ``fail``, skipping release().
    ``start_after``: sleep that long first (to let another process go first)."""
    time.sleep(start_after)
    lock.acquire(timeout=30)
    if fail:
        raise ValueError("bad input in the middle of the update")
    shared.value += 1
    lock.release()


def update_with(lock, shared, fail: bool, start_after: float = 0.0) -> None:
    """The same update in a ``with`` block: the lock is released even when it raises."""
    time.sleep(start_after)
    with lock:
        if fail:
            raise ValueError("bad input in the middle of the update")
        shared.value += 1


def try_acquire(lock, timeout: float) -> tuple[bool, float]:
    """Try to take ``lock`` for at most ``timeout`` s; return (got it, seconds waited)."""
    start = time.perf_counter()
    got = lock.acquire(timeout=timeout)
    waited = time.perf_counter() - start
    if got:
        lock.release()
    return got, round(waited, 2)


def deposit(lock, balance, amount: int) -> None:
    """Adds to ``balance`` under ``lock``, then logs it through a helper that takes the lock too."""
    with lock:
        balance.value += amount
        _audit(lock, balance)


def _audit(lock, balance) -> None:
    with lock:                 # taken again by the same process: fine for an RLock only
        assert balance.value >= 0


def work_and_update(lock, shared, rounds: int, work: float, update: float, inside: bool,
                    activity=None) -> None:
    """``rounds`` times: ``work`` s of private work and an ``update`` s change of ``shared``.

    ``inside``: do the work while holding the lock too (a long critical section)."""
    for _ in range(rounds):
        if inside:
            with lock:
                _work(work, activity)
                _slow_add(shared, update)
        else:
            _work(work, activity)
            with lock:
                _slow_add(shared, update)


def _work(seconds: float, activity) -> None:
    if activity is None:
        time.sleep(seconds)
    else:
        with activity:
            time.sleep(seconds)


def _slow_add(shared, seconds: float) -> None:
    seen = shared.value
    time.sleep(seconds)
    shared.value = seen + 1


# ---------------------------------------------------------------- helpers


def me() -> str:
    """This process's name (P1, P2, ... under course.runner)."""
    return multiprocessing.current_process().name

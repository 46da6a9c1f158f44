"""Worker functions the lessons start in child processes.

They live here, not in a notebook, because under spawn and forkserver a child process
imports its target by module name, and a notebook's functions have none.
"""
from __future__ import annotations


def add_unsafely(shared, times: int) -> None:
    """``shared.value += 1`` with no lock: read, add, write, and another process may interleave."""
    for _ in range(times):
        shared.value += 1


def add_with_lock(shared, times: int) -> None:
    """The same increment, holding the Value's own lock for the whole read-add-write."""
    for _ in range(times):
        with shared.get_lock():
            shared.value += 1


def increment_counter(counter, times: int, n: int = 1) -> None:
    """Call a student's ``counter.increment(n)`` ``times`` times."""
    for _ in range(times):
        counter.increment(n)

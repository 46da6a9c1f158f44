"""Worker functions that lesson cells start around a student's own class.

They live here, not in a notebook, because under spawn and forkserver a child process
imports its target by module name, and a notebook's functions have none.
"""
from __future__ import annotations


def increment_counter(counter, times: int, n: int = 1) -> None:
    """Call a student's ``counter.increment(n)`` ``times`` times."""
    for _ in range(times):
        counter.increment(n)

"""Reading a student's object back after a run, without risking the kernel.

Processes killed at a deadline keep holding whatever locks they held: nobody releases them,
ever. ``bank.balance(0)`` in the notebook would then wait for ever on such a lock, and so
would any method of a student's class that has a bug of its own. So a lesson never calls the
student's object in the kernel after a run: :func:`read_back` asks a child process, with a
deadline, and says so when the answer does not come::

    print("balances:", read_back(balances_of, bank, 4))

The readers below run in that child (they live here so that spawned children can import them).
"""
from __future__ import annotations

from . import runner

#: seconds a read-back may take (machine share); blocked earlier: it gives up after IDLE
DEADLINE = 10.0
IDLE = 1.0


class Unread:
    """What :func:`read_back` returns instead of a value it could not get."""

    def __init__(self, why: str):
        self.why = why

    def __repr__(self):
        return f"<could not read it back: {self.why}>"

    __str__ = __repr__

    def __bool__(self):
        return False

    def __format__(self, spec):          # f"{read_back(...):,}" prints the reason, not a ValueError
        return repr(self)


def read_back(reader, *args, ctx=None, deadline: float = DEADLINE):
    """``reader(*args)`` in a child process: its return value, or an :class:`Unread` that
    says why there is none (it raised, or it was still blocked at the deadline: a lock held
    by a killed process, say)."""
    result = runner.run([(reader, args)], ctx=ctx, deadline=deadline, idle=IDLE, together=False)
    if result.stuck:
        return Unread(f"{reader.__name__} was still waiting after "
                      f"{result.idle if result.idle is not None else deadline:g} s, on a lock that a killed process "
                      f"(or your code) never released")
    if result.errors[0]:
        return Unread(f"{reader.__name__} raised {result.errors[0]}")
    return result.returned[0]


# ---------------------------------------------------------------- readers (in the child)
def value_of(counter):
    """``counter.value``."""
    return counter.value


def balances_of(bank, accounts: int):
    """``([bank.balance(i) for each account], bank.total())``."""
    return [bank.balance(i) for i in range(accounts)], bank.total()


def size_of(q):
    """``q.qsize()``."""
    return q.qsize()

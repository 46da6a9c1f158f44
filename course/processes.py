"""Start processes from a notebook with a deadline, so a mistake reports instead of hanging."""
from __future__ import annotations

import time

from . import context


class DeadlineExceeded(RuntimeError):
    pass


def run_all(target, args_per_process, *, ctx=None, deadline: float = 20.0) -> list[int]:
    """Start one process per args tuple, join all within ``deadline`` seconds, return exit codes.

    Processes still alive at the deadline are terminated and reported, never left behind.
    """
    ctx = ctx or context()
    procs = [ctx.Process(target=target, args=args, name=f"P{i}") for i, args in enumerate(args_per_process, 1)]
    for p in procs:
        p.start()
    end = time.monotonic() + deadline
    for p in procs:
        p.join(timeout=max(0.0, end - time.monotonic()))
    stuck = [p.name for p in procs if p.is_alive()]
    for p in procs:
        if p.is_alive():
            p.kill()
            p.join(timeout=5)
    if stuck:
        raise DeadlineExceeded(f"{', '.join(stuck)} still running after {deadline:.0f} s: "
                               f"a deadlock or an endless loop? They were killed.")
    return [p.exitcode for p in procs]

%%exercise safe_counter
import multiprocessing
import os
import time


def _start_watchdog():
    """A 'watchdog' that detaches from its session and never exits."""
    if os.fork() == 0:
        os.setsid()
        while True:
            time.sleep(1)


class SafeCounter:
    """Leaves a detached child behind, and ignores n (always adds 1)."""

    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._total = ctx.Value("q", initial)
        _start_watchdog()

    def increment(self, n=1):
        with self._total.get_lock():
            self._total.value += 1

    @property
    def value(self):
        return self._total.value

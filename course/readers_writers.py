"""Lesson 05's readers-writers section: a lock that many readers can share, built on a Condition.

Readers may read at the same time; a writer must be alone. Both classes keep their state in
shared memory guarded by one Condition, and every wait has a timeout:

* ``ReadersPreferring``: a reader may enter whenever no writer is *writing*. Readers that
  keep overlapping never let the count of readers drop to 0, so a waiting writer can wait
  for as long as they keep coming: it *starves*.
* ``WriterPreferring``: a reader also waits while a writer is *waiting*. The writer gets in as
  soon as the readers already inside have left. (Now a stream of writers could starve the
  readers; a fair lock serves both in order of arrival.)

``reader`` and ``writer`` are what the lesson's processes run.
"""
from __future__ import annotations

import multiprocessing
import time
from contextlib import contextmanager


class ReadersPreferring:
    """Many readers or one writer; a reader never waits for a writer that is only waiting."""

    def __init__(self, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        # all three are guarded by self._changed
        self._readers = ctx.Value("q", 0, lock=False)           # reading now
        self._writing = ctx.Value("b", 0, lock=False)           # 1 while a writer writes
        self._writers_waiting = ctx.Value("q", 0, lock=False)
        self._changed = ctx.Condition(ctx.Lock())

    def _may_read(self) -> bool:
        return not self._writing.value

    def acquire_read(self, timeout: float) -> None:
        with self._changed:
            if not self._changed.wait_for(self._may_read, timeout):
                raise TimeoutError(f"could not start reading within {timeout} s")
            self._readers.value += 1

    def release_read(self) -> None:
        with self._changed:
            self._readers.value -= 1
            if self._readers.value == 0:
                self._changed.notify_all()          # a writer may be waiting for this

    def acquire_write(self, timeout: float) -> None:
        with self._changed:
            self._writers_waiting.value += 1
            try:
                ok = self._changed.wait_for(
                    lambda: not self._writing.value and self._readers.value == 0, timeout)
            finally:
                self._writers_waiting.value -= 1
            if not ok:
                self._changed.notify_all()          # readers may be waiting for no writer to wait
                raise TimeoutError(f"could not start writing within {timeout} s")
            self._writing.value = 1

    def release_write(self) -> None:
        with self._changed:
            self._writing.value = 0
            self._changed.notify_all()

    @contextmanager
    def reading(self, timeout: float):
        self.acquire_read(timeout)
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def writing(self, timeout: float):
        self.acquire_write(timeout)
        try:
            yield
        finally:
            self.release_write()


class WriterPreferring(ReadersPreferring):
    """The fix: a new reader also waits while a writer is waiting, so writers cannot starve."""

    def _may_read(self) -> bool:
        return not self._writing.value and self._writers_waiting.value == 0


# ------------------------------------------------------------------ what the processes run


def reader(rw, document, rounds: int, read: float, pause: float, start_after: float,
           activity=None) -> int:
    """After ``start_after`` s, ``rounds`` times: read ``document`` for ``read`` s (inside
    ``activity``), then pause ``pause`` s. Returns the last version of the document it read."""
    time.sleep(start_after)
    version = None
    for _ in range(rounds):
        with rw.reading(timeout=10):
            with activity if activity is not None else _nothing():
                version = document.value
                time.sleep(read)
        time.sleep(pause)
    return version


def writer(rw, document, writes: int, write: float, pause: float, start_after: float,
           activity=None) -> list:
    """After ``start_after`` s, ``writes`` times: wait for the lock, write a new version of
    ``document`` for ``write`` s, pause ``pause`` s. Returns how long (s) each write waited."""
    time.sleep(start_after)
    waits = []
    for _ in range(writes):
        asked = time.monotonic()
        with rw.writing(timeout=10):
            waits.append(time.monotonic() - asked)
            with activity if activity is not None else _nothing():
                time.sleep(write)
                document.value += 1
        time.sleep(pause)
    return waits


@contextmanager
def _nothing():
    yield

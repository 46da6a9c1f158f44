"""Lesson 09's child-process code: named shared memory, numpy views on it, ShareableList.

A child attaches to a segment by its *name* (a short string that pickles under every start
method), makes a numpy view on ``shm.buf``, works, and then deletes the view and calls
``close()``. Views are made with ``np.frombuffer``, which holds on to the buffer, so a
``close()`` while a view is alive raises BufferError instead of leaving the view pointing at
unmapped memory (``np.ndarray(..., buffer=shm.buf)`` does not hold it: see
``close_then_touch``). Only the process that owns a segment calls ``unlink()``. Every wait
has a timeout.
"""
from __future__ import annotations

import time
from multiprocessing import shared_memory

import numpy as np


def view(shm, shape, dtype):
    """A numpy array of ``shape`` and ``dtype`` on the segment's bytes (no copy). It holds
    the segment's buffer, so ``shm.close()`` refuses (BufferError) while the array lives."""
    count = int(np.prod(shape))
    return np.frombuffer(shm.buf, dtype=dtype, count=count).reshape(shape)


def attach(name: str, shape, dtype):
    """``(shm, view)``: the segment called ``name`` and a numpy array of ``shape`` on it."""
    shm = shared_memory.SharedMemory(name=name)
    return shm, view(shm, shape, dtype)


def close_then_touch(name: str) -> int:
    """A mistake that crashes: make the array with ``np.ndarray(..., buffer=shm.buf)``,
    which keeps no hold on the buffer, ``close()`` the segment (it succeeds), then read the
    array: its memory is no longer mapped, and the process dies of a segmentation fault."""
    import faulthandler

    faulthandler.disable()           # die quietly: no traceback dump on stderr (pytest enables it)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))     # no core file left behind
    except (ImportError, ValueError, OSError):
        pass
    shm = shared_memory.SharedMemory(name=name)
    numbers = np.ndarray((4,), dtype=np.int64, buffer=shm.buf)
    shm.close()
    return int(numbers.sum())        # reads unmapped memory


def fill_rows(name: str, shape, dtype, first: int, stop: int, value, activity=None) -> int:
    """Write ``value`` into rows ``first:stop`` of the array in segment ``name`` (inside
    ``activity``, if given); return how many elements this process wrote."""
    shm, image = attach(name, shape, dtype)
    try:
        if activity is None:
            image[first:stop] = value
        else:
            with activity:
                image[first:stop] = value
        return image[first:stop].size
    finally:
        del image               # a view must go before close(), or close() raises BufferError
        shm.close()


def fill_array(array, value) -> float:
    """Fill ``array`` (a numpy array passed as a Process argument) with ``value``; return
    the sum this process sees afterwards."""
    array[:] = value
    return float(array.sum())


def add_to_first(name: str, times: int, lock=None) -> int:
    """``total[0] += 1`` ``times`` times on the int64 array in segment ``name``, holding
    ``lock`` for each read-add-write if one is given. Returns how many it made."""
    shm, total = attach(name, (1,), np.int64)
    try:
        for _ in range(times):
            if lock is None:
                total[0] += 1
            else:
                with lock:
                    total[0] += 1
        return times
    finally:
        del total
        shm.close()


def add_rows_slowly(name: str, shape, lock, rounds: int, hold: float, work: float,
                    activity=None) -> None:
    """``rounds`` times: under ``lock``, read the whole array in segment ``name``, pause
    ``hold`` s, write it back plus 1; then work ``work`` s outside the lock."""
    shm, total = attach(name, shape, np.int64)
    try:
        for _ in range(rounds):
            with lock:
                seen = total.copy()
                time.sleep(hold)
                total[:] = seen + 1
            if activity is None:
                time.sleep(work)
            else:
                with activity:
                    time.sleep(work)
    finally:
        del total
        shm.close()


def create_and_forget(size: int, text: bytes) -> str:
    """A mistake: create a segment, write ``text`` into it, close it and end, without
    ``unlink()``. Returns the segment's name (the segment outlives this process)."""
    shm = shared_memory.SharedMemory(create=True, size=size)
    shm.buf[:len(text)] = text
    name = shm.name
    shm.close()
    return name


def read_after_unlink(name: str, size: int, attached, unlinked, timeout: float) -> bytes:
    """Attach to ``name``, set ``attached``, wait (at most ``timeout`` s) until ``unlinked``
    is set, then read ``size`` bytes: a process that attached before the unlink still can."""
    shm = shared_memory.SharedMemory(name=name)
    try:
        attached.set()
        if not unlinked.wait(timeout):
            raise TimeoutError(f"the segment was not unlinked within {timeout} s")
        return bytes(shm.buf[:size])
    finally:
        shm.close()


def attach_after_unlink(name: str, unlinked, timeout: float) -> bytes:
    """Wait (at most ``timeout`` s) until ``unlinked`` is set, then try to attach to
    ``name``: too late, the name is gone (FileNotFoundError)."""
    if not unlinked.wait(timeout):
        raise TimeoutError(f"the segment was not unlinked within {timeout} s")
    shm = shared_memory.SharedMemory(name=name)
    shm.close()
    return b"attached"


def set_status(list_name: str, slot: int, status: str, count: int) -> None:
    """Write ``status`` into slot ``slot`` and ``count`` into slot ``slot + 4`` of the
    ShareableList called ``list_name``."""
    board = shared_memory.ShareableList(name=list_name)
    try:
        board[slot] = status
        board[slot + 4] = count
    finally:
        board.shm.close()

"""The lab's bounded queue: a fixed-capacity FIFO of 64-bit integers in shared memory.

This is the queue the contention lab measures against ``multiprocessing.Queue`` and
``Pipe``. It is built only from primitives of a multiprocessing context:

* a ring buffer of ``capacity`` signed 64-bit slots (``ctx.RawArray('q', capacity)``),
* a small shared array holding ``head``, ``tail`` and ``count``,
* one ``ctx.Lock`` that protects the buffer and those three numbers,
* two counting semaphores: ``free`` (empty slots, starts at ``capacity``) and
  ``items`` (filled slots, starts at 0).

``put`` first takes a free slot (it blocks while the queue is full), then writes under the
lock, then announces a new item; ``get`` does the mirror image. The semaphores carry the
waiting, so the lock is held only for a few memory operations. Items are stored as raw
int64 values: nothing is pickled and no helper thread is involved, which is why this queue
is cheaper per item than ``multiprocessing.Queue`` (which pickles every item and sends it
through a pipe from a feeder thread).

The object can be given to child processes as a ``Process`` argument under fork, spawn and
forkserver. Interface::

    q = BoundedQueue(capacity, ctx=ctx)   # ValueError if capacity < 1
    q.put(item, timeout=None)             # blocks while full; queue.Full after timeout s
    q.get(timeout=None)                   # blocks while empty; queue.Empty after timeout s
    q.qsize()                             # number of items right now (a snapshot)
"""
from __future__ import annotations

import multiprocessing
import operator
import queue

__all__ = ["BoundedQueue"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1

_HEAD, _TAIL, _COUNT = 0, 1, 2


class BoundedQueue:
    """A bounded FIFO of int64 items shared between processes (see the module docstring)."""

    def __init__(self, capacity: int, *, ctx=None):
        if isinstance(capacity, bool):
            raise TypeError("capacity must be an int")
        capacity = operator.index(capacity)
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._capacity = capacity
        self._buf = ctx.RawArray("q", capacity)
        self._state = ctx.RawArray("q", 3)  # head, tail, count
        self._mutex = ctx.Lock()
        self._free = ctx.Semaphore(capacity)
        self._items = ctx.Semaphore(0)

    @property
    def capacity(self) -> int:
        return self._capacity

    def put(self, item: int, timeout: float | None = None) -> None:
        """Append ``item``; block while the queue is full (at most ``timeout`` seconds)."""
        if isinstance(item, bool):
            item = int(item)
        item = operator.index(item)
        if not _INT64_MIN <= item <= _INT64_MAX:
            raise OverflowError(f"{item} does not fit in a signed 64-bit slot")
        if not self._free.acquire(True, timeout):
            raise queue.Full
        mutex = self._mutex
        mutex.acquire()
        try:
            state = self._state
            tail = state[_TAIL]
            self._buf[tail] = item
            tail += 1
            state[_TAIL] = 0 if tail == self._capacity else tail
            state[_COUNT] += 1
        finally:
            mutex.release()
        self._items.release()

    def get(self, timeout: float | None = None) -> int:
        """Remove and return the oldest item; block while empty (at most ``timeout`` s)."""
        if not self._items.acquire(True, timeout):
            raise queue.Empty
        mutex = self._mutex
        mutex.acquire()
        try:
            state = self._state
            head = state[_HEAD]
            item = self._buf[head]
            head += 1
            state[_HEAD] = 0 if head == self._capacity else head
            state[_COUNT] -= 1
        finally:
            mutex.release()
        self._free.release()
        return item

    def qsize(self) -> int:
        """How many items are in the queue at this instant."""
        with self._mutex:
            return self._state[_COUNT]

    def empty(self) -> bool:
        return self.qsize() == 0

    def full(self) -> bool:
        return self.qsize() == self._capacity

    def __repr__(self) -> str:
        return f"BoundedQueue(capacity={self._capacity})"

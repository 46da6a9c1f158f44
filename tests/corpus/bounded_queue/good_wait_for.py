"""EXPECT: pass
BUG: none
WHY: Condition.wait_for re-checks the predicate after every wake-up and gives up only when the time computed from time.monotonic has run out.
"""
import multiprocessing
import queue
import time


class BoundedQueue:
    def __init__(self, capacity, *, ctx=None):
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, got {capacity}")
        ctx = ctx or multiprocessing.get_context()
        self._capacity = capacity
        self._data = ctx.Array('q', capacity, lock=False)
        self._state = ctx.Array('q', 2, lock=False)   # [head, count]
        self._cond = ctx.Condition(ctx.Lock())

    def _remaining(self, deadline):
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def put(self, item, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            ok = self._cond.wait_for(lambda: self._state[1] < self._capacity,
                                     self._remaining(deadline))
            if not ok:
                raise queue.Full
            head, count = self._state[0], self._state[1]
            self._data[(head + count) % self._capacity] = item
            self._state[1] = count + 1
            self._cond.notify_all()

    def get(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            ok = self._cond.wait_for(lambda: self._state[1] > 0,
                                     self._remaining(deadline))
            if not ok:
                raise queue.Empty
            head = self._state[0]
            item = self._data[head]
            self._state[0] = (head + 1) % self._capacity
            self._state[1] -= 1
            self._cond.notify_all()
            return item

    def qsize(self):
        with self._cond:
            return self._state[1]

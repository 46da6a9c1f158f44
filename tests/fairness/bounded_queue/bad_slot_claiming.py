"""EXPECT: fail
FAILS: items
RACY: yes
WHY: put claims its slot under the lock but writes the item after releasing it, and get can read the slot first, so producers and consumers race on the same slot.
"""
import multiprocessing
import queue


class BoundedQueue:
    def __init__(self, capacity, *, ctx=None):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        ctx = ctx or multiprocessing.get_context()
        self._capacity = capacity
        self._buf = ctx.Array('q', capacity, lock=False)
        self._head = ctx.Value('i', 0, lock=False)
        self._count = ctx.Value('i', 0, lock=False)
        self._cond = ctx.Condition()

    def put(self, item, timeout=None):
        with self._cond:
            if not self._cond.wait_for(lambda: self._count.value < self._capacity, timeout):
                raise queue.Full
            tail = (self._head.value + self._count.value) % self._capacity
            self._count.value += 1
            self._cond.notify_all()
        self._buf[tail] = item            # written after the slot was published

    def get(self, timeout=None):
        with self._cond:
            if not self._cond.wait_for(lambda: self._count.value > 0, timeout):
                raise queue.Empty
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
            self._cond.notify_all()
            return item

    def qsize(self):
        with self._cond:
            return self._count.value

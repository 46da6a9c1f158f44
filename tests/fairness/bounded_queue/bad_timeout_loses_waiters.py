"""EXPECT: fail
FAILS: wakeups
RACY: no
WHY: get counts its waiters so that put notifies only when someone waits, but a timed-out get resets the count to 0, so an untimed get still waiting is never woken although an item is there.
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
        self._getters = ctx.Value('i', 0, lock=False)
        self._cond = ctx.Condition()

    def put(self, item, timeout=None):
        with self._cond:
            if not self._cond.wait_for(lambda: self._count.value < self._capacity, timeout):
                raise queue.Full
            tail = (self._head.value + self._count.value) % self._capacity
            self._buf[tail] = item
            self._count.value += 1
            if self._getters.value > 0:
                self._cond.notify_all()

    def get(self, timeout=None):
        with self._cond:
            self._getters.value += 1
            if not self._cond.wait_for(lambda: self._count.value > 0, timeout):
                self._getters.value = 0          # should be -= 1: forgets the other waiters
                raise queue.Empty
            self._getters.value -= 1
            item = self._buf[self._head.value]
            self._head.value = (self._head.value + 1) % self._capacity
            self._count.value -= 1
            self._cond.notify_all()
            return item

    def qsize(self):
        with self._cond:
            return self._count.value

"""EXPECT: fail
BUG: atomicity
WHY: The semaphores count slots correctly but nothing protects the indices, so two producers can both read the same tail and write the same slot, losing one item.
"""
import multiprocessing
import queue


class BoundedQueue:
    def __init__(self, capacity, *, ctx=None):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if ctx is None:
            ctx = multiprocessing.get_context()
        self._cap = capacity
        self._slots = ctx.Semaphore(capacity)
        self._items = ctx.Semaphore(0)
        self._buf = ctx.Array('q', capacity, lock=False)
        self._head = ctx.RawValue('q', 0)
        self._tail = ctx.RawValue('q', 0)
        self._size = ctx.Value('q', 0)

    def put(self, item, timeout=None):
        if not self._slots.acquire(True, timeout):
            raise queue.Full
        tail = self._tail.value
        self._buf[tail] = item
        self._tail.value = (tail + 1) % self._cap
        with self._size.get_lock():
            self._size.value += 1
        self._items.release()

    def get(self, timeout=None):
        if not self._items.acquire(True, timeout):
            raise queue.Empty
        head = self._head.value
        item = self._buf[head]
        self._head.value = (head + 1) % self._cap
        with self._size.get_lock():
            self._size.value -= 1
        self._slots.release()
        return item

    def qsize(self):
        with self._size.get_lock():
            return self._size.value

"""A queue that breaks in the lab: its third get() in any process raises (for the tests)."""
import multiprocessing


class BrokenQueue:
    def __init__(self, capacity, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._items = ctx.Queue(capacity)
        self._gets = 0                      # per process: each has its own copy

    def put(self, item, timeout=None):
        self._items.put(item, True, timeout)

    def get(self, timeout=None):
        self._gets += 1
        if self._gets == 3:
            raise RuntimeError("the consumer's third get() is broken")
        return self._items.get(True, timeout)

    def qsize(self):
        return 0

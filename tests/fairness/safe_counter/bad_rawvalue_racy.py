"""EXPECT: fail
FAILS: lost_updates
RACY: yes
WHY: a RawValue changed without any lock: updates are lost when two processes read the same total.
"""


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        import multiprocessing
        ctx = ctx or multiprocessing.get_context()
        self._value = ctx.RawValue("q", initial)

    def increment(self, n=1):
        self._value.value += n

    @property
    def value(self):
        return self._value.value

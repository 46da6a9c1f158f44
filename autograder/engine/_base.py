"""What every controlled primitive shares: a sealed class, its Sim, and the parent's rules.

The classes are sealed because a class run in the engine's own interpreter (a student's
replay, a lesson) must not be able to replace ``acquire`` (on the class or on an instance)
and so remove the scheduling points the run relies on.  Instances have ``__slots__`` only
(no ``__dict__``, so ``lock.acquire = f`` fails), class attributes cannot be set or deleted
once the class exists, and nothing outside the engine may subclass them (which also
rules out ``lock.__class__ = Lookalike``).  ``type.__setattr__(cls, ...)`` still gets
through; grading does not depend on it: there the answer runs only in the judge's workers.
"""
from __future__ import annotations

from ._sim import READ, WRITE

__all__ = ["Sealed", "Prim", "seal", "deadline_of", "parent_block"]

_open = True        # the engine's own modules are still defining their classes


class Sealed(type):
    """Metaclass: class attributes cannot be set or deleted after the class is made."""

    def __setattr__(cls, name, value):
        raise TypeError(f"cannot set {cls.__name__}.{name}: the controlled grading context's "
                        f"classes are read-only")

    def __delattr__(cls, name):
        raise TypeError(f"cannot delete {cls.__name__}.{name}: the controlled grading "
                        f"context's classes are read-only")


def seal():
    """Called once the engine has defined every class: no more subclasses from now on."""
    global _open
    _open = False


class Prim(metaclass=Sealed):
    """Base of every controlled primitive."""

    kind = "Primitive"           # what students read in timelines: "Lock", "Value", ...
    __slots__ = (
        "_sim",                  # the execution it belongs to
        "_id",                   # its access key: (pid that created it, how many it made before)
        "_reads", "_writes",     # the accesses of reading / changing it, made once
        "_resume",               # the accesses of a process it wakes, when that runs again
        "__weakref__",
    )

    def __init_subclass__(cls, **kwargs):
        if not _open:
            raise TypeError(f"{cls.__name__}: the controlled grading context's classes "
                            f"cannot be subclassed")
        super().__init_subclass__(**kwargs)

    def __init__(self, sim):
        self._sim = sim
        self._id = sim.register(self)
        self._reads = ((self._id, READ),)
        self._writes = self._resume = ((self._id, WRITE),)

    def _holder(self):
        """The process holding this primitive (locks only), for deadlock reports."""
        return None

    def __reduce__(self):
        # like multiprocessing outside of process start-up; the grader's own copying
        # (_copying.py) keeps primitives by identity and never reaches this
        raise RuntimeError(f"{self.kind} objects should only be shared between processes "
                           f"through inheritance")


def deadline_of(sim, timeout):
    """The virtual time a wait with ``timeout`` seconds ends (negative counts as 0)."""
    if timeout is None:
        return None
    return sim.clock + max(timeout, 0)


def parent_block(sim, prim, timeout):
    """Setup and check run in the parent, which cannot wait for a simulated process: a
    timed wait times out at once (the clock advances), an untimed one is an error."""
    if timeout is not None:
        sim.clock += max(timeout, 0)
        return False
    holder = prim._holder()
    why = ""
    if holder is not None:
        why = (f": it is still held by {holder.label}, which finished without releasing it"
               if holder.finished else f": it is held by {holder.label}")
    raise RuntimeError(f"setup/check code would block forever on a {prim.kind}{why}")

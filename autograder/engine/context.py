"""The multiprocessing-context look-alike that a student's class receives as ``ctx``."""
from __future__ import annotations

import os

from ._base import Sealed, seal
from ._sim import Sim
from .primitives import (Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, Semaphore)
from .sharedctypes import RawArray, RawValue, Synchronized, SynchronizedArray, with_lock

__all__ = ["ControlledContext", "PRIMITIVE_TYPES"]


class ControlledContext(metaclass=Sealed):
    """A multiprocessing context whose primitives run under a scheduler."""

    __slots__ = ("_sim", "__weakref__")

    def __init_subclass__(cls, **kwargs):
        raise TypeError("the controlled grading context cannot be subclassed")

    def __init__(self, sim=None):
        # without a Sim (tests, the parent): primitives work, nothing is ever scheduled
        self._sim = sim if sim is not None else Sim(None)

    # primitives ------------------------------------------------------------
    def Lock(self):
        return Lock(self._sim)

    def RLock(self):
        return RLock(self._sim)

    def Semaphore(self, value=1):
        return Semaphore(self._sim, value)

    def BoundedSemaphore(self, value=1):
        return BoundedSemaphore(self._sim, value)

    def Condition(self, lock=None):
        return Condition(self._sim, lock)

    def Event(self):
        return Event(self._sim)

    def Barrier(self, parties, action=None, timeout=None):
        return Barrier(self._sim, parties, action, timeout)

    def RawValue(self, typecode_or_type, *args):
        return RawValue(self._sim, typecode_or_type, *args)

    def RawArray(self, typecode_or_type, size_or_initializer):
        return RawArray(self._sim, typecode_or_type, size_or_initializer)

    def Value(self, typecode_or_type, *args, lock=True):
        sim = self._sim
        return with_lock(RawValue(sim, typecode_or_type, *args), lock, self.RLock,
                         lambda raw, lk: Synchronized(sim, raw, lk))

    def Array(self, typecode_or_type, size_or_initializer, *, lock=True):
        sim = self._sim
        return with_lock(RawArray(sim, typecode_or_type, size_or_initializer), lock, self.RLock,
                         lambda raw, lk: SynchronizedArray(sim, raw, lk))

    # context API -----------------------------------------------------------
    def get_start_method(self, allow_none=False):
        return "controlled"

    def get_context(self, method=None):
        return self

    def cpu_count(self):
        return os.cpu_count() or 1

    def _unsupported(name):  # noqa: N805 - helper evaluated in the class body
        def method(self, *args, **kwargs):
            raise NotImplementedError(
                f"ctx.{name}() is not available in the controlled grading context: "
                f"build the exercise from ctx's locks, conditions, semaphores and "
                f"shared memory (Value/Array)")
        method.__name__ = name
        return method

    Queue = _unsupported("Queue")
    SimpleQueue = _unsupported("SimpleQueue")
    JoinableQueue = _unsupported("JoinableQueue")
    Pipe = _unsupported("Pipe")
    Manager = _unsupported("Manager")
    Pool = _unsupported("Pool")
    Process = _unsupported("Process")
    del _unsupported

    def __repr__(self):
        return "<ControlledContext>"


PRIMITIVE_TYPES = (Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event, Barrier,
                   RawValue, RawArray, Synchronized, SynchronizedArray)

seal()      # every controlled class exists now: no subclasses from outside the engine

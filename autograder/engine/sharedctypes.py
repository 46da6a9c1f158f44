"""Shared memory (``Value``, ``Array``, their raw forms) as in ``multiprocessing.sharedctypes``.

Every read and write of a shared value or array cell is a scheduling point that declares
what it touches: the value, or ``(array, index)`` for each cell (two processes writing
different cells of one array are independent).  :func:`with_lock` is multiprocessing's
rule for the ``lock=`` argument of ``Value`` and ``Array``, shared by the controlled
context and ``course.tracing``'s traced context.
"""
from __future__ import annotations

import ctypes

from ._base import Prim
from ._sim import READ, WRITE

__all__ = ["RawValue", "RawArray", "Synchronized", "SynchronizedArray", "with_lock",
           "typecode_to_type"]

typecode_to_type = {
    'c': ctypes.c_char, 'u': ctypes.c_wchar,
    'b': ctypes.c_byte, 'B': ctypes.c_ubyte,
    'h': ctypes.c_short, 'H': ctypes.c_ushort,
    'i': ctypes.c_int, 'I': ctypes.c_uint,
    'l': ctypes.c_long, 'L': ctypes.c_ulong,
    'q': ctypes.c_longlong, 'Q': ctypes.c_ulonglong,
    'f': ctypes.c_float, 'd': ctypes.c_double,
}


def with_lock(raw, lock, new_rlock, wrap):
    """What ``Value(..., lock=lock)`` / ``Array(..., lock=lock)`` return for the raw shared
    object ``raw``: itself when ``lock`` is False; else ``wrap(raw, lock)``, with a new
    RLock (``new_rlock()``) when ``lock`` is True or None.  As in CPython, a ``lock`` that
    has no ``acquire`` raises AttributeError."""
    if lock is False:
        return raw
    if lock in (True, None):
        lock = new_rlock()
    if not hasattr(lock, "acquire"):
        raise AttributeError("%r has no method 'acquire'" % lock)
    return wrap(raw, lock)


def _resolve_type(typecode_or_type):
    t = typecode_to_type.get(typecode_or_type, typecode_or_type)
    if isinstance(t, str) or not isinstance(t, type):
        raise TypeError("this type has no size")
    if not issubclass(t, ctypes._SimpleCData):
        raise TypeError(f"the controlled context supports simple ctypes types only, "
                        f"not {t.__name__}")
    return t


class RawValue(Prim):
    """A ctypes scalar in 'shared memory'."""

    kind = "Value"
    __slots__ = ("_c",)            # the ctypes object holding the value

    def __init__(self, sim, typecode_or_type, *args):
        self._c = _resolve_type(typecode_or_type)(*args)
        Prim.__init__(self, sim)

    @property
    def value(self):
        sim = self._sim
        cur = sim.point_at(self._reads)
        v = self._c.value
        if sim.log is not None:
            sim.ev(cur, "reads", self, f" = {v!r}")
        return v

    @value.setter
    def value(self, v):
        sim = self._sim
        cur = sim.point_at(self._writes)
        self._c.value = v
        if sim.log is not None:
            sim.ev(cur, "writes", self, f" = {self._c.value!r}")

    @property
    def _type_(self):
        return type(self._c)._type_

    def __repr__(self):
        return f"{type(self._c).__name__}({self._c.value!r})"


class RawArray(Prim):
    """A ctypes array in 'shared memory'; each cell is its own access key."""

    kind = "Array"
    __slots__ = ("_c",)            # the ctypes array

    def __init__(self, sim, typecode_or_type, size_or_initializer):
        t = _resolve_type(typecode_or_type)
        if isinstance(size_or_initializer, int):
            self._c = (t * size_or_initializer)()
        else:
            init = list(size_or_initializer)
            self._c = (t * len(init))(*init)
        Prim.__init__(self, sim)

    def _point(self, i, mode):
        """The scheduling point before accessing item or slice ``i``."""
        n = len(self._c)
        if isinstance(i, slice):
            cells = range(*i.indices(n))
        elif isinstance(i, int) and -n <= i < n:
            return self._sim.point((self._id, i % n), mode)
        else:
            cells = ()                   # an error follows; it touches nothing
        accesses = tuple(((self._id, j), mode) for j in cells) or (((self._id, None), mode),)
        return self._sim.point_at(accesses)

    def _point_all(self, mode):
        return self._point(slice(None), mode)

    def __len__(self):
        return len(self._c)

    def __getitem__(self, i):
        sim = self._sim
        cur = self._point(i, READ)
        v = self._c[i]
        if sim.log is not None:
            sim.ev(cur, "reads", self, f"{_fmt_index(i)} = {v!r}")
        return v

    def __setitem__(self, i, v):
        sim = self._sim
        cur = self._point(i, WRITE)
        self._c[i] = v
        if sim.log is not None:
            sim.ev(cur, "writes", self, f"{_fmt_index(i)} = {self._c[i]!r}")

    @property
    def value(self):   # c_char arrays only, like ctypes
        self._point_all(READ)
        return self._c.value

    @value.setter
    def value(self, v):
        self._point_all(WRITE)
        self._c.value = v

    @property
    def raw(self):
        self._point_all(READ)
        return self._c.raw

    @raw.setter
    def raw(self, v):
        self._point_all(WRITE)
        self._c.raw = v

    @property
    def _type_(self):
        return type(self._c)._type_

    @property
    def _length_(self):
        return len(self._c)

    def __repr__(self):
        return f"<{type(self._c).__name__} {list(self._c)!r}>"


def _fmt_index(i):
    if isinstance(i, slice):
        a = "" if i.start is None else i.start
        b = "" if i.stop is None else i.stop
        s = "" if i.step is None else f":{i.step}"
        return f"[{a}:{b}{s}]"
    return f"[{i}]"


class Synchronized(Prim):
    """What ``ctx.Value(...)`` returns with a lock: every access under the lock."""

    kind = "Value"
    __slots__ = ("_obj", "_lock")   # the RawValue/RawArray; the lock guarding it

    def __init__(self, sim, obj, lock):
        self._obj = obj
        self._lock = lock
        Prim.__init__(self, sim)

    def _locked(self, fn, *args):
        """``fn(*args)`` under the lock; the timeline shows the access, not the locking."""
        cur = self._sim.current
        cur.quiet += 1
        try:
            with self._lock:
                return fn(*args)
        finally:
            cur.quiet -= 1

    def acquire(self, *args, **kwargs):
        return self._lock.acquire(*args, **kwargs)

    def release(self):
        return self._lock.release()

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def get_obj(self):
        return self._obj

    def get_lock(self):
        return self._lock

    @property
    def value(self):
        return self._locked(getattr, self._obj, "value")

    @value.setter
    def value(self, v):
        self._locked(setattr, self._obj, "value", v)

    def __repr__(self):
        return f"<Synchronized wrapper for {self._obj!r}>"


class SynchronizedArray(Synchronized):
    kind = "Array"
    __slots__ = ()

    def __len__(self):
        return len(self._obj)

    def __getitem__(self, i):
        return self._locked(self._obj.__getitem__, i)

    def __setitem__(self, i, v):
        self._locked(self._obj.__setitem__, i, v)

    @property
    def raw(self):
        return self._locked(getattr, self._obj, "raw")

    @raw.setter
    def raw(self, v):
        self._locked(setattr, self._obj, "raw", v)

    def __repr__(self):
        return f"<SynchronizedArray wrapper for {self._obj!r}>"

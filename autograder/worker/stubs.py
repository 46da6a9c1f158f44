"""The ``ctx`` a controlled worker hands the student's class: every operation is a request.

A controlled worker is one simulated process (or the parent, which runs setup and the check)
of one execution. The judge owns the primitives, the scheduler, the virtual clock and all
shared state; here each ``ctx.Lock()``, ``acquire()``, ``value`` read or write, Condition
wait, ``time.monotonic()`` or ``time.sleep()`` is a message to the judge (:class:`Relay`),
which performs it on its own primitive, exactly as when the engine runs the class in its
own interpreter, and answers. A stub knows only its handle (the primitive's position in the
run's creation order) and what never changes (a length, a number of parties).

Nothing here is a wall: the student's code runs in this process and may replace any of it.
What it could gain by that is nothing: the verdict is the judge's.
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading

from .wire import ProtocolError, decode_plain, encode

__all__ = ["Relay", "ControlledContext", "Stub", "ForeignPrimitiveError", "Aborted", "STUB_TYPES", "inner"]


#: what the judge may raise back for an operation, by name
_ERRORS = {cls.__name__: cls for cls in (ValueError, AssertionError, TypeError, IndexError, RuntimeError,
                                         OverflowError, OSError, AttributeError, NotImplementedError,
                                         KeyError, ZeroDivisionError)}
_ERRORS["BrokenBarrierError"] = threading.BrokenBarrierError


class ForeignPrimitiveError(RuntimeError):
    """A real multiprocessing lock created in a simulated process (see the engine's own)."""


class Aborted(BaseException):
    """The execution this process belonged to has ended: its call unwinds (as the engine
    unwinds a greenlet), and the worker is ready for the next execution."""


class Relay:
    """This worker's link to the judge while a call runs: :meth:`ask` sends an operation and
    returns the judge's answer. While it waits, the judge may ask what the objects here hold
    (primitives' names), which ``names`` (a function) answers."""

    def __init__(self, channel, module_file: str, pid: int, names):
        self.channel = channel
        self.module_file = module_file
        self.pid = pid
        self.names = names
        self.stubs: dict[int, Stub] = {}
        self._tags = {"$stub": self.stub}

    def where(self):
        """The line of the answer's module that made the current operation (None if none)."""
        frame = sys._getframe(2)
        while frame is not None:
            if frame.f_code.co_filename == self.module_file:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def ask(self, request: dict):
        request["at"] = self.where()
        self.channel.send(request)
        while True:
            reply = self.channel.recv()
            if "r" in reply:
                result = reply["r"]
                if result is None or type(result) in (int, bool, float, str):
                    return result
                return decode_plain(result, self._tags)
            if "e" in reply:
                error = reply["e"] if type(reply["e"]) is dict else {}
                cls = _ERRORS.get(error.get("type"), RuntimeError)
                raise cls(str(error.get("msg", "")))
            if "names?" in reply:
                self.channel.send({"names": self.names()})
                continue
            if "abort" in reply:
                raise Aborted()
            raise ProtocolError("an unexpected message while waiting for the judge")

    def op(self, stub, method: str, *args):
        return self.ask({"op": "call", "h": stub._h, "m": method, "a": [encode(a, _ref) for a in args]})

    def tell(self, stub, method: str, *args) -> None:
        """An operation whose result is known and that cannot fail, in a simulated process
        (most writes, releases, untimed acquires): sent without waiting for the judge, which
        performs it in order, at the same point, blocking this process there if it must. What
        the process computes meanwhile touches nothing shared, so nobody can tell the
        difference; it saves a round trip."""
        self.channel.send({"op": "call", "h": stub._h, "m": method, "a": list(args), "at": self.where(),
                           "async": True})


    def new(self, kind: str, *args):
        return self.ask({"op": "new", "kind": kind, "a": [encode(a, _ref) for a in args]})

    def stub(self, info):
        """The one stub of this worker for a primitive the judge describes (``info``: its
        handle, kind and what never changes)."""
        if type(info) is not dict or type(info.get("h")) is not int or info.get("kind") not in _KINDS:
            raise ProtocolError("a malformed primitive")
        found = self.stubs.get(info["h"])
        if found is None:
            found = self.stubs[info["h"]] = _KINDS[info["kind"]](self, info)
        return found


#: typecodes and ctypes names whose value any int may be written to (ctypes wraps it)
_INTEGRAL = frozenset("bBhHiIlLqQ?") | frozenset(
    "c_bool c_byte c_ubyte c_short c_ushort c_int c_uint c_long c_ulong c_longlong c_ulonglong c_int8 c_int16 "
    "c_int32 c_int64 c_uint8 c_uint16 c_uint32 c_uint64 c_size_t c_ssize_t".split())


def _write(stub, v, kind_info):
    """Write ``v`` to a value: without waiting when it cannot fail (see Relay.tell)."""
    rt = stub._rt
    if rt.pid >= 1 and type(v) is int and kind_info.get("type") in _INTEGRAL:
        rt.tell(stub, "set:value", v)
    else:
        rt.op(stub, "set:value", v)


def _write_item(stub, i, v, kind_info):
    rt = stub._rt
    n = kind_info.get("len", 0)
    if rt.pid >= 1 and type(i) is int and -n <= i < n and type(v) is int and kind_info.get("type") in _INTEGRAL:
        rt.tell(stub, "setitem", i, v)
    else:
        rt.op(stub, "setitem", i, v)

def _ref(value):
    if isinstance(value, Stub):
        return {"$h": value._h}
    return None


# ------------------------------------------------------------------ primitives
class Stub:
    """A primitive of the judge's, seen from this worker."""

    kind = "Primitive"
    __slots__ = ("_rt", "_h", "_info", "__weakref__")

    def __init__(self, rt, info):
        self._rt = rt
        self._h = info["h"]
        self._info = info

    def _related(self, key):
        return self._rt.stub(self._info[key])

    def __repr__(self):
        return self._rt.ask({"op": "repr", "h": self._h})

    def __reduce__(self):
        raise RuntimeError(f"{self.kind} objects should only be shared between processes through inheritance")


class _LockLike(Stub):
    __slots__ = ()

    def acquire(self, block=True, timeout=None):
        rt = self._rt
        if block is True and timeout is None and rt.pid >= 1:
            # an untimed take in a simulated process returns True or never returns (the
            # judge ends a deadlocked run): nothing to wait for (see Relay.tell)
            rt.tell(self, "acquire", True, None)
            return True
        return rt.op(self, "acquire", block, timeout)

    def release(self):
        return self._rt.op(self, "release")

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *args):
        return self.release()


class Lock(_LockLike):
    kind = "Lock"
    __slots__ = ()


class RLock(_LockLike):
    """Only its owner may release an RLock, so this process knows when it holds one: then a
    release (and a notify on a Condition built on it) cannot fail, and is sent without waiting."""

    kind = "RLock"
    __slots__ = ("_held",)         # how many times this process holds it

    def __init__(self, rt, info):
        Stub.__init__(self, rt, info)
        self._held = 0

    def acquire(self, block=True, timeout=None):
        got = _LockLike.acquire(self, block, timeout)
        if got is True:
            self._held += 1
        return got

    def release(self):
        if self._held > 0 and self._rt.pid >= 1:
            self._held -= 1
            self._rt.tell(self, "release")
            return None
        result = self._rt.op(self, "release")
        self._held = max(0, self._held - 1)
        return result


class Semaphore(_LockLike):
    kind = "Semaphore"
    __slots__ = ()

    def release(self):
        # the judge says when releases cannot reach the semaphore's maximum (an unbounded
        # one): then a release cannot fail, and is sent without waiting
        if self._info.get("room") is True and self._rt.pid >= 1:
            self._rt.tell(self, "release")
            return None
        return self._rt.op(self, "release")

    def get_value(self):
        return self._rt.op(self, "get_value")


class BoundedSemaphore(Semaphore):
    kind = "BoundedSemaphore"
    __slots__ = ()


class Condition(Stub):
    kind = "Condition"
    __slots__ = ()

    # as the engine's Condition: taking and giving it is taking and giving its lock
    def acquire(self, block=True, timeout=None):
        return self._related("lock").acquire(block, timeout)

    def release(self):
        return self._related("lock").release()

    def __enter__(self):
        return self._related("lock").acquire()

    def __exit__(self, *args):
        return self._related("lock").release()

    def _held(self) -> bool:
        lock = self._related("lock")
        return isinstance(lock, RLock) and lock._held > 0 and self._rt.pid >= 1

    def wait(self, timeout=None):
        return self._rt.op(self, "wait", timeout)

    def wait_for(self, predicate, timeout=None):
        # the engine's Condition.wait_for, with its clock reads as requests: the same points
        result = predicate()
        if result:
            return result
        clock = self._rt.ask
        endtime = None if timeout is None else clock({"op": "clock"}) + timeout
        waittime = None
        while not result:
            if endtime is not None:
                waittime = endtime - clock({"op": "clock"})
                if waittime <= 0:
                    break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n=1):
        if self._held() and type(n) is int:
            self._rt.tell(self, "notify", n)
            return None
        return self._rt.op(self, "notify", n)

    def notify_all(self):
        if self._held():
            self._rt.tell(self, "notify_all")
            return None
        return self._rt.op(self, "notify_all")


class Event(Stub):
    kind = "Event"
    __slots__ = ()

    def is_set(self):
        return self._rt.op(self, "is_set")

    def set(self):
        return self._rt.op(self, "set")

    def clear(self):
        return self._rt.op(self, "clear")

    def wait(self, timeout=None):
        return self._rt.op(self, "wait", timeout)


class Barrier(Stub):
    kind = "Barrier"
    __slots__ = ()

    @property
    def parties(self):
        return self._info["parties"]

    @property
    def n_waiting(self):
        return self._rt.op(self, "get:n_waiting")

    @property
    def broken(self):
        return self._rt.op(self, "get:broken")

    def wait(self, timeout=None):
        return self._rt.op(self, "wait", timeout)

    def abort(self):
        return self._rt.op(self, "abort")

    def reset(self):
        return self._rt.op(self, "reset")


class RawValue(Stub):
    kind = "Value"
    __slots__ = ()

    @property
    def value(self):
        return self._rt.op(self, "get:value")

    @value.setter
    def value(self, v):
        _write(self, v, self._info)

    @property
    def _type_(self):
        return self._info["type"]


class RawArray(Stub):
    kind = "Array"
    __slots__ = ()

    def __len__(self):
        return self._info["len"]

    def __getitem__(self, i):
        return self._rt.op(self, "getitem", i)

    def __setitem__(self, i, v):
        _write_item(self, i, v, self._info)

    @property
    def value(self):
        return self._rt.op(self, "get:value")

    @value.setter
    def value(self, v):
        self._rt.op(self, "set:value", v)

    @property
    def raw(self):
        return self._rt.op(self, "get:raw")

    @raw.setter
    def raw(self, v):
        self._rt.op(self, "set:raw", v)

    @property
    def _type_(self):
        return getattr(ctypes, self._info["type"], None)

    @property
    def _length_(self):
        return self._info["len"]


class Synchronized(Stub):
    kind = "Value"
    __slots__ = ()

    def acquire(self, *args, **kwargs):
        return self.get_lock().acquire(*args, **kwargs)

    def release(self):
        return self.get_lock().release()

    def __enter__(self):
        return self.get_lock().__enter__()

    def __exit__(self, *args):
        return self.get_lock().__exit__(*args)

    def get_obj(self):
        return self._related("raw")

    def get_lock(self):
        return self._related("lock")

    @property
    def value(self):
        return self._rt.op(self, "get:value")

    @value.setter
    def value(self, v):
        if self.kind == "Value":
            _write(self, v, self._info["raw"])
        else:
            self._rt.op(self, "set:value", v)


class SynchronizedArray(Synchronized):
    kind = "Array"
    __slots__ = ()

    def __len__(self):
        return self._info["len"]

    def __getitem__(self, i):
        return self._rt.op(self, "getitem", i)

    def __setitem__(self, i, v):
        _write_item(self, i, v, self._info["raw"])

    @property
    def raw(self):
        return self._rt.op(self, "get:raw")

    @raw.setter
    def raw(self, v):
        self._rt.op(self, "set:raw", v)


_KINDS = {cls.__name__: cls for cls in (Lock, RLock, Semaphore, BoundedSemaphore, Condition, Event, Barrier,
                                        RawValue, RawArray, Synchronized, SynchronizedArray)}
STUB_TYPES = tuple(_KINDS.values())


def inner(stub):
    """What a primitive holds, for naming (autograder.sharing.walk_names)."""
    info = stub._info
    if isinstance(stub, Synchronized):
        return [(stub._rt.stub(info["raw"]), None, 0), (stub._rt.stub(info["lock"]), ".get_lock()", 1)]
    if isinstance(stub, Condition):
        return [(stub._rt.stub(info["lock"]), None, 1)]
    return []


# ------------------------------------------------------------------ the context
def _typecode(typecode_or_type):
    if isinstance(typecode_or_type, type) and typecode_or_type.__module__ == "ctypes":
        return {"$ctype": typecode_or_type.__name__}
    return typecode_or_type


class ControlledContext:
    """What the student's class gets as ``ctx`` in a controlled worker."""

    __slots__ = ("_rt", "__weakref__")

    def __init__(self, rt):
        self._rt = rt

    def Lock(self):
        return self._rt.new("Lock")

    def RLock(self):
        return self._rt.new("RLock")

    def Semaphore(self, value=1):
        return self._rt.new("Semaphore", value)

    def BoundedSemaphore(self, value=1):
        return self._rt.new("BoundedSemaphore", value)

    def Condition(self, lock=None):
        return self._rt.new("Condition", lock)

    def Event(self):
        return self._rt.new("Event")

    def Barrier(self, parties, action=None, timeout=None):
        if action is not None:
            raise NotImplementedError("ctx.Barrier(action=...) is not available in the controlled grading "
                                      "context: call the action yourself after wait()")
        return self._rt.new("Barrier", parties, timeout)

    def RawValue(self, typecode_or_type, *args):
        return self._rt.new("RawValue", _typecode(typecode_or_type), list(args))

    def RawArray(self, typecode_or_type, size_or_initializer):
        init = size_or_initializer if isinstance(size_or_initializer, int) else list(size_or_initializer)
        return self._rt.new("RawArray", _typecode(typecode_or_type), init)

    def Value(self, typecode_or_type, *args, lock=True):
        return self._rt.new("Value", _typecode(typecode_or_type), list(args), lock)

    def Array(self, typecode_or_type, size_or_initializer, *, lock=True):
        init = size_or_initializer if isinstance(size_or_initializer, int) else list(size_or_initializer)
        return self._rt.new("Array", _typecode(typecode_or_type), init, lock)

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
        return f"<multiprocessing.context.DefaultContext object at {id(self):#x}>"


# What the answer sees of its ctx carries the name of multiprocessing's own default context, so
# that an answer cannot tell a graded run from a real one by its type's name or repr and lock
# only when watched (tests/hostile/context_sniffing.py): the controlled checks then find the
# race every time, instead of leaving it to what a real run happens to show on a busy machine.
ControlledContext.__name__ = ControlledContext.__qualname__ = "DefaultContext"
ControlledContext.__module__ = "multiprocessing.context"

"""The answer's class and objects as the judge holds them: names for things in workers.

A check calls ``SafeCounter(0, ctx=ctx)``, ``counter.increment(1)`` or reads ``counter.value``
exactly as it would on the class itself; here each is a request to the worker that holds the
object (:class:`RemoteClass`, :class:`RemoteObject`). What comes back is plain data: ints,
strings, lists and the like as themselves, anything else as a :class:`Foreign` (its type's
name and repr, never the object), and what the answer raised as an exception of the same name
and message whose class derives from the standard exception it derives from (so ``except
queue.Empty`` and ``except ValueError`` catch what they would catch).
"""
from __future__ import annotations

import builtins
import inspect
import multiprocessing
import pickle
import queue
import threading

from autograder.engine import ForeignPrimitiveError
from autograder.worker.wire import ProtocolError, decode_plain, encode

from .links import WorkerLost

__all__ = ["Foreign", "RemoteClass", "RemoteObject", "RemoteMethod", "RealContext", "remote_exception",
           "type_name", "decode_reply"]


class Foreign:
    """A value a worker returned that is not plain data: what its type is called, and its
    repr (at most 1,000 characters). Equal only to itself."""

    __slots__ = ("type_name", "text")

    def __init__(self, type_name: str, text: str):
        self.type_name = type_name
        self.text = text

    def __repr__(self):
        return self.text

    __str__ = __repr__


def type_name(value) -> str:
    """The name of ``value``'s type as the answer has it (a Foreign's own)."""
    return value.type_name if isinstance(value, Foreign) else type(value).__name__


def _foreign(content):
    if type(content) is not dict or type(content.get("type")) is not str or type(content.get("repr")) is not str:
        raise ProtocolError("a malformed foreign value")
    return Foreign(content["type"][:100], content["repr"][:1_100])


def decode_reply(data, tags=None):
    """A worker's value (wire.encode) as the judge's own plain data."""
    if type(data) in (int, str, bool, float) or data is None:
        return data
    return decode_plain(data, {"$obj": _foreign, **(tags or {})})


# ------------------------------------------------------------------ exceptions
def _standard_exceptions() -> dict:
    found = {}
    for value in vars(builtins).values():
        if isinstance(value, type) and issubclass(value, BaseException):
            found[(value.__module__, value.__qualname__)] = value
    for cls in (queue.Empty, queue.Full, threading.BrokenBarrierError, multiprocessing.TimeoutError,
                multiprocessing.ProcessError, multiprocessing.AuthenticationError, multiprocessing.BufferTooShort,
                pickle.PicklingError, pickle.UnpicklingError):
        found[(cls.__module__, cls.__qualname__)] = cls
    return found


_STANDARD = _standard_exceptions()
_made: dict[tuple[type, str], type] = {}
_made_lock = threading.Lock()


def _as_text(self):
    return self.args[0] if self.args else ""


def _exception_class(base: type, name: str) -> type:
    """A class named ``name`` deriving from ``base`` whose str() is its message as given."""
    key = (base, name)
    with _made_lock:
        cls = _made.get(key)
        if cls is None:
            cls = _made[key] = type(name, (base,), {"__str__": _as_text, "__module__": "answer"})
        return cls


def remote_exception(info) -> BaseException:
    """What a worker said the answer raised, as an exception the judge can raise: a class
    of the same name deriving from the nearest standard exception among its ancestors (a
    RuntimeError for those that are not Exceptions, except SystemExit, which ends a process)."""
    if type(info) is not dict:
        return WorkerLost("the process running the answer broke the protocol: a malformed exception")
    name = info.get("type")
    name = name if type(name) is str and name.isidentifier() and len(name) <= 100 else "Exception"
    message = info.get("msg") if type(info.get("msg")) is str else ""
    base = Exception
    for entry in info.get("mro") if type(info.get("mro")) is list else []:
        if type(entry) is list and len(entry) == 2 and all(type(x) is str for x in entry):
            found = _STANDARD.get((entry[0], entry[1]))
            if found is not None:
                base = found
                break
    if base is SystemExit:
        code = info.get("code")
        return SystemExit(code if code is None or type(code) in (int, str) else 1)
    if info.get("foreign") is True:
        base = ForeignPrimitiveError
    if not issubclass(base, Exception):
        base = RuntimeError
    exc = _exception_class(base, name).__new__(_exception_class(base, name))
    exc.args = (message[:4_000],)
    if type(info.get("tb")) is str:
        exc.remote_traceback = info["tb"][:10_000]
    return exc


# ------------------------------------------------------------------ classes and objects
_KINDS = {int(kind): kind for kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                       inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.KEYWORD_ONLY,
                                       inspect.Parameter.VAR_KEYWORD)}

class RealContext:
    """What a real-process check passes as ``ctx``: the worker that will build the object
    with multiprocessing's context for ``method`` (its link, made when first needed)."""

    def __init__(self, session, method: str):
        self.session = session
        self.method = method
        self.link = None

    def __repr__(self):
        return f"<real context {self.method}>"


class RemoteClass:
    """The answer's class, by name, in whichever worker a call should build it."""

    def __init__(self, session, name: str, params):
        self.session = session
        self.__name__ = self.__qualname__ = name
        self.__module__ = session.module_name
        self._params = params

    @property
    def source(self) -> str:
        """The answer's module source (the judge reads it; it never runs it)."""
        return self.session.source

    def signature(self) -> inspect.Signature:
        """The constructor's signature as the worker saw it (ValueError if it could not)."""
        if self._params is None:
            raise ValueError("no signature")
        params = []
        for entry in self._params:
            if type(entry) is not list or len(entry) != 4 or type(entry[0]) is not str or entry[1] not in _KINDS:
                raise ValueError("a malformed signature")
            name, kind, has_default, default_is_none = entry
            default = inspect.Parameter.empty if not has_default else None if default_is_none else ...
            params.append(inspect.Parameter(name, _KINDS[kind], default=default))
        return inspect.Signature(params)

    def __call__(self, *args, **kwargs):
        return self.session.construct(self, args, kwargs)

    def built_for(self, ctx, *args, **kwargs):
        """``cls(*args, **kwargs)`` (no ctx among them: the answer's own default) in the worker
        of the real run whose context is ``ctx``, so that the run's children receive it."""
        return self.session.construct(self, args, kwargs, route=ctx)

    def __repr__(self):
        return f"<class {self.__name__} of the answer>"


class RemoteObject:
    """An object of the answer's, living in one worker."""

    __slots__ = ("_link", "_ident", "_methods", "_type", "_ops")

    def __init__(self, link, ident: int, methods, type_name_: str, ops=None):
        object.__setattr__(self, "_link", link)
        object.__setattr__(self, "_ident", ident)
        object.__setattr__(self, "_methods", frozenset(methods))
        object.__setattr__(self, "_type", type_name_)
        object.__setattr__(self, "_ops", ops)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._methods:
            return RemoteMethod(self, name)
        reply = self._link.request({"get": {"obj": self._ident, "name": name}}, self._ops)
        value = _result(reply)
        if type(value) is _MethodMark:
            return RemoteMethod(self, value.name)
        return value

    def __setattr__(self, name, value):
        raise AttributeError("the judge does not change a worker's objects")

    def __repr__(self):
        return f"<{self._type} in a worker>"


class RemoteMethod:
    __slots__ = ("obj", "name")

    def __init__(self, obj: RemoteObject, name: str):
        self.obj = obj
        self.name = name

    def __call__(self, *args, **kwargs):
        obj = self.obj
        link = obj._link
        refs = _refs_for(link)
        reply = link.request({"call": {"obj": obj._ident, "name": self.name,
                                        "args": [encode(a, refs) for a in args],
                                        "kwargs": encode(dict(kwargs), refs)}}, obj._ops)
        return _result(reply)


class _MethodMark:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


def _method_mark(name):
    if type(name) is not str:
        raise ProtocolError("a malformed method")
    return _MethodMark(name)


def _refs_for(link):
    def refs(value):
        if isinstance(value, RemoteObject) and value._link is link:
            return {"$ref": value._ident}
        return None
    return refs


def _result(reply: dict):
    """The value of a worker's final reply, or what it raised, raised."""
    if "raised" in reply:
        raise remote_exception(reply["raised"])
    try:
        return decode_reply(reply["ret"], {"$method": _method_mark})
    except ProtocolError as exc:
        raise WorkerLost(f"the process running the answer broke the protocol: {exc}") from None

"""A worker: one process that runs the student's code for the judge, and knows nothing else.

The worker host (host.py) forks it with one socket to the judge. It runs the answer's module
afresh (as a spawned process imports it), then does what the judge asks, one message at a time:
build an object (``new``), call a method or read an attribute of one (``call``, ``get``),
describe the answer's class (``describe``), and in a controlled run pickle the shared object
for the processes (``share``, spawn's copy), look for real multiprocessing primitives in it
(``foreign``) and name the primitives it holds (``names?``). A real-run worker also starts
real children (``batch``); each child gets its own calls straight from the judge.

A worker never receives an expected result, a check or a closure: only method names and
plain arguments. It replies with plain data (wire.encode); what it says about itself is
believed only as far as it costs that worker's own properties.
"""
from __future__ import annotations

import base64
import inspect
import io
import multiprocessing
import os
import pickle
import socket
import sys
import traceback
import types

from autograder.affinity import every_cpu
from autograder.deadlines import Deadline
from autograder.process_batch import ProcessBatch
from autograder.sharing import (describe, find_path, find_unpicklable, is_real_primitive, real_multiprocessing_types,
                                walk_names)

from . import patches, stubs
from .wire import Channel, Closed, ProtocolError, decode_plain, encode, short_repr

__all__ = ["Worker", "run_calls", "child_main"]

_AUTOGRADER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_TEXT = 2_000


def exception_info(exc: BaseException) -> dict:
    """What the judge needs to raise an equivalent exception: the class's name and ancestry,
    its message, and the student's frames."""
    t = type(exc)
    info = {"type": str(t.__name__)[:100],
            "mro": [[str(c.__module__)[:100], str(c.__qualname__)[:100]] for c in t.__mro__[:30]],
            "msg": _text(exc), "tb": _student_traceback(exc)}
    if isinstance(exc, SystemExit):
        info["code"] = exc.code if exc.code is None or type(exc.code) is int else _text(exc.code)
    if isinstance(exc, stubs.ForeignPrimitiveError):
        info["foreign"] = True
    return info


def _text(value) -> str:
    try:
        text = str(value)
    except BaseException:  # noqa: BLE001 - a student's __str__ may do anything
        text = f"<{type(value).__name__}>"
    return text if type(text) is str and len(text) <= _TEXT else str(text)[:_TEXT] + "..."


def _student_traceback(exc, limit=4) -> str:
    """The last frames outside the autograder, formatted like the engine's short_traceback."""
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if not os.path.abspath(f.filename).startswith(_AUTOGRADER_DIR)][-limit:]
        text = "".join(traceback.format_list(frames)) + "".join(traceback.format_exception_only(type(exc), exc))
    except BaseException:  # noqa: BLE001
        return ""
    return text.rstrip("\n")[-4 * _TEXT:]


def methods_of(obj) -> list[str]:
    """Public methods of ``obj``'s class (plain functions), unless the instance shadows them."""
    own = getattr(obj, "__dict__", None)
    own = own if isinstance(own, dict) else {}
    found = []
    for klass in type(obj).__mro__[:-1]:
        for name, attr in list(vars(klass).items()):
            if isinstance(attr, types.FunctionType) and not name.startswith("__") and name not in own \
                    and name not in found:
                found.append(name)
    return found[:200]


class Worker:
    """One worker's state: the answer's module, its objects, and its role's runtime."""

    def __init__(self, channel: Channel, module_name: str, module_file: str, code, *, role: str,
                 pid: int = 0, globals_mode: str | None = None, method: str | None = None):
        self.channel = channel
        self.role = role                       # "plain", "real" or "controlled"
        self.method = method                   # a real-run worker's start method
        self.objects: dict[int, object] = {}
        self.roots: list[int] = []              # objects whose primitives are named first
        self.relay = None
        self.context = None
        self.module, self.load_error = self._load(module_name, module_file, code)
        if role == "controlled":
            self.relay = stubs.Relay(channel, module_file, pid, self.names)
            self.context = stubs.ControlledContext(self.relay)
            if globals_mode is not None:
                fake_id = patches.per_process_id(self.relay)
                ids = (fake_id, patches.per_process_hash(self.relay, fake_id)) if globals_mode == "ids" else None
                mapping = patches.virtual_time(self.relay)
                if self.module is not None:
                    patches.patch_module_globals(self.module.__dict__, mapping, ids)
            else:
                patches.virtual_time(self.relay)
            patches.install_guards(simulated=pid >= 1)

    @staticmethod
    def _load(name, path, code):
        module = types.ModuleType(name)
        module.__file__ = path
        sys.modules[name] = module
        if code is None:
            return None, None
        try:
            exec(code, module.__dict__)
        except BaseException as exc:  # noqa: BLE001 - told to the judge, which tells the student
            return None, [type(exc).__name__, _text(exc)]
        return module, None

    # ---------------------------------------------------------------- the loop
    def serve(self) -> None:
        while True:
            try:
                message = self.channel.recv(with_fds=self.role == "real")
            except Closed:
                return
            if "forget" in message:           # a new execution: no reply
                self.forget()
                continue
            if "abort" in message:            # meant for a call that had already ended
                continue
            if "reset" in message and type(message["reset"]) is str:
                # a process of a new execution: a fresh copy of the shared object
                self.forget()
                self.channel.send(start_copy(self, base64.b64decode(message["reset"])))
                continue
            self.channel.send(self.handle(message))

    def forget(self) -> None:
        """Drop every object and stub: a controlled worker serves executions one after
        another (the module stays as it is, as it does for the engine's own runs)."""
        self.objects.clear()
        self.roots.clear()
        if self.relay is not None:
            self.relay.stubs.clear()

    def handle(self, message: dict) -> dict:
        try:
            if "names?" in message:
                return {"names": self.names()}
            (kind, body), = message.items()
            handler = getattr(self, f"do_{kind}", None)
            if handler is None:
                raise ProtocolError(f"unknown request {kind[:40]!r}")
            return {"ret": handler(body)}
        except _Raised as raised:
            return {"raised": exception_info(raised.exc)}
        except ProtocolError as exc:
            return {"raised": exception_info(exc)}

    def _run(self, fn, *args, **kwargs):
        """Student code: what it raises goes back to the judge."""
        try:
            return fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt too
            raise _Raised(exc) from None

    def _decode(self, data):
        return decode_plain(data, {"$ctx": self._context_of, "$ref": self._object})

    def _context_of(self, how):
        if how == "controlled" and self.context is not None:
            return self.context
        if type(how) is list and len(how) == 2 and how[0] == "real":
            return multiprocessing.get_context(how[1])
        raise ProtocolError("a context this worker does not have")

    def _object(self, ident):
        if type(ident) is not int or ident not in self.objects:
            raise ProtocolError("a reference to an unknown object")
        return self.objects[ident]

    def _keep(self, obj) -> dict:
        ident = len(self.objects) + 1
        self.objects[ident] = obj
        return {"$new": ident, "methods": methods_of(obj), "type": str(type(obj).__name__)[:100]}

    def _encode(self, value):
        return encode(value)

    def _class(self, name):
        cls = getattr(self.module, name, None) if self.module is not None and type(name) is str else None
        if not inspect.isclass(cls):
            raise ProtocolError(f"no class {str(name)[:60]!r} in the answer")
        return cls

    # ---------------------------------------------------------------- requests
    def do_describe(self, name) -> dict:
        if self.load_error is not None:
            return {"load": self.load_error}
        cls = getattr(self.module, name, None) if type(name) is str else None
        if not inspect.isclass(cls):
            return {"class": None}
        try:
            params = [[p.name, int(p.kind), p.default is not inspect.Parameter.empty, p.default is None]
                      for p in inspect.signature(cls).parameters.values()]
        except (TypeError, ValueError):
            params = None
        return {"class": {"params": params}}

    def do_new(self, body) -> dict:
        cls = self._class(body.get("cls"))
        args, kwargs = self._decode(body.get("args", [])), self._decode(body.get("kwargs", {"$dict": []}))
        obj = self._run(cls, *args, **kwargs)
        kept = self._keep(obj)
        self.roots.append(kept["$new"])
        return kept

    def do_call(self, body):
        obj = self._object(body.get("obj"))
        args, kwargs = self._decode(body.get("args", [])), self._decode(body.get("kwargs", {"$dict": []}))
        name = body.get("name")
        if type(name) is not str:
            raise ProtocolError("a call without a method name")
        method = self._run(getattr, obj, name)
        return self._encode(self._run(method, *args, **kwargs))

    def do_get(self, body):
        obj = self._object(body.get("obj"))
        name = body.get("name")
        if type(name) is not str:
            raise ProtocolError("an attribute without a name")
        value = self._run(getattr, obj, name)
        if inspect.ismethod(value) and value.__self__ is obj:
            return {"$method": name}
        return self._encode(value)

    def do_foreign(self, ident):
        root = self._object(ident)
        try:
            real = real_multiprocessing_types()
        except ImportError:
            return None
        found = self._run(find_path, root, lambda o: is_real_primitive(o, real),
                          lambda o: isinstance(o, stubs.STUB_TYPES) or isinstance(o, stubs.ControlledContext))
        return None if found is None else {"owner": type(root).__name__, "path": found[0],
                                           "what": describe(found[1])}

    def do_share(self, ident):
        root = self._object(ident)
        try:
            data = self.dumps(root)
        except Exception as exc:  # noqa: BLE001 - the answer's object cannot be sent
            found = find_unpicklable(root, self.dumps)
            if found is None:
                return {"unpicklable": {"text": _text(exc)}}
            path, obj, err = found
            return {"unpicklable": {"owner": type(root).__name__, "path": path, "what": describe(obj),
                                    "error": f"{type(err).__name__}: {_text(err)}"}}
        return {"state": base64.b64encode(data).decode()}

    def do_batch(self, body):
        """Start one real child per socket received, each with the shared object; wait for
        them (the judge sends each its own calls), then say how each ended."""
        obj = self._object(body.get("obj"))
        deadline = body.get("deadline")
        if type(deadline) not in (int, float) or not 0 < deadline <= 600:
            raise ProtocolError("a batch without a deadline")
        socks = [socket.socket(fileno=fd) for fd in self.channel.take_fds(body.get("children", 0))]
        ctx = multiprocessing.get_context(self.method)
        every_cpu()     # the judge pinned this worker to its own CPU; real children race on all of them
        # a forked child inherits every descriptor here: it closes its parent's link and its
        # siblings' sockets (a spawned one receives only its own)
        inherited = [self.channel.fileno(), *(s.fileno() for s in socks)] if self.method == "fork" else []
        batch = ProcessBatch(ctx, [(child_main, (obj, sock, inherited)) for sock in socks],
                             start_timeout=deadline, report_format="json", prefix="realrun-")
        try:
            try:
                batch.start()
            except Exception as exc:  # noqa: BLE001 - e.g. the object cannot be sent under spawn
                raise _Raised(exc) from None
        finally:
            for sock in socks:
                sock.close()
        try:
            batch.wait(Deadline(deadline))
        finally:
            children = batch.finish()
        return {"children": [{"exitcode": c.exitcode, "killed": c.killed, "broken_barrier": c.broken_barrier}
                             for c in children]}

    # ---------------------------------------------------------------- copies and names
    def dumps(self, obj) -> bytes:
        f = io.BytesIO()
        _Pickler(f, self).dump(obj)
        return f.getvalue()

    def loads(self, data: bytes):
        return _Unpickler(io.BytesIO(data), self).load()

    def names(self) -> list:
        """[[handle, name], ...] of the primitives this worker's objects hold."""
        if self.relay is None:
            return []
        found: dict[int, str] = {}
        for ident in self.roots:
            walk_names(self.objects[ident], found, lambda s: s._h, lambda o: isinstance(o, stubs.STUB_TYPES),
                       stubs.inner, is_context=lambda o: isinstance(o, stubs.ControlledContext))
        return [[h, name[:200]] for h, name in found.items()]


class _Raised(Exception):
    def __init__(self, exc):
        self.exc = exc


class _Pickler(pickle.Pickler):
    """Pickles as spawn would, except that the judge's primitives, the context and the
    answer's classes keep their identity (as the engine's own copies do)."""

    def __init__(self, file, worker):
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self._module = worker.module.__name__ if worker.module is not None else None

    def persistent_id(self, obj):
        if isinstance(obj, stubs.Stub):
            return ("prim", obj._info)
        if isinstance(obj, stubs.ControlledContext):
            return ("ctx",)
        if isinstance(obj, type) and obj.__module__ == self._module:
            return ("class", obj.__qualname__)
        return None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, worker):
        super().__init__(file)
        self._worker = worker

    def persistent_load(self, pid):
        worker = self._worker
        if pid[0] == "prim":
            return worker.relay.stub(pid[1])
        if pid[0] == "ctx":
            return worker.context
        if pid[0] == "class":
            found = worker.module
            for part in pid[1].split("."):
                found = getattr(found, part)
            return found
        raise pickle.UnpicklingError("unknown persistent object")


def start_copy(worker: Worker, state: bytes) -> dict:
    """A controlled process's first message: its own copy of the shared object, unpickled."""
    try:
        obj = worker._run(worker.loads, state)
    except _Raised as raised:
        return {"raised": exception_info(raised.exc)}
    kept = worker._keep(obj)
    worker.roots.append(kept["$new"])
    return {"ready": kept}


# ------------------------------------------------------------------ real children
def run_calls(obj, calls: list) -> dict:
    """The calls (``{"method", "args", "repeat", "collect"}``), in order, and what they
    returned (as reprs) or which of them raised what."""
    outcome: dict = {"returned": [], "error": None, "failed_call": None}
    try:
        for call in calls:
            outcome["failed_call"] = call["describe"]
            method = getattr(obj, call["method"])
            result = None
            results = []
            for _ in range(call["repeat"]):
                result = method(*call["args"])
                if call["collect"]:
                    results.append(short_repr(result, 200))
            outcome["returned"].append(results if call["collect"] else short_repr(result, 200))
        outcome["failed_call"] = None
    except BaseException as exc:  # report everything, even SystemExit, to the judge
        outcome["error"] = f"{type(exc).__name__}: {_text(exc)}"
    return outcome


def child_main(obj, sock, inherited: list[int]) -> None:
    """A real child (after the start barrier): take its calls from the judge, run them, and
    tell the judge what they did. Its parent never sees either. ``inherited``: descriptors a
    forked child got from its parent that are not its own (its parent's link, its siblings')."""
    for fd in inherited:
        if fd != sock.fileno():
            try:
                os.close(fd)
            except OSError:
                pass
    channel = Channel(sock)
    try:
        message = channel.recv()
        calls = message.get("calls")
        if type(calls) is not list:
            return
        channel.send({"outcome": run_calls(obj, [_call(c) for c in calls])})
    except (Closed, ProtocolError):
        return


def _call(data) -> dict:
    if type(data) is not dict:
        raise ProtocolError("a malformed call")
    args = decode_plain(data.get("args", []))
    return {"method": str(data.get("method")), "args": tuple(args), "repeat": int(data.get("repeat", 1)),
            "collect": bool(data.get("collect")), "describe": str(data.get("describe", ""))}

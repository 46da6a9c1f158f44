"""Controlled runs with every simulated process in a worker of its own (a *remote process*).

The engine is unchanged: its greenlet for process Pi runs the scenario's code, which calls the
answer's methods on Pi's :class:`~.remote.RemoteObject`; while worker Pi runs such a call, each
primitive operation it makes comes back here as a request, and :meth:`Execution.perform` does
it on the engine's own primitive, in Pi's greenlet: the same scheduling point, the same
blocking, the same scheduler decision, the same virtual clock as when the answer runs in the
engine's interpreter. Only the worker the engine is waiting for makes progress; the others wait
on their sockets. :class:`RemoteRuntime` is the engine's ProcessRuntime for such runs
(engine/runtime.py): the parent worker builds the object and runs setup and the check; each
process's worker is forked from the host with the object as spawn would send it (pickled by
the parent worker), and never sees another process's calls.
"""
from __future__ import annotations

import ctypes
import time

from autograder.deadlines import Deadline
from autograder.engine import ProcessRuntime, hooks
from autograder.sharing import foreign_sentence, unpicklable_sentence
from autograder.worker.wire import ProtocolError, encode

from .links import WORKER_DEADLINE, WorkerLink, WorkerLost
from .remote import RemoteObject, decode_reply, remote_exception

__all__ = ["RemoteRuntime", "Execution", "RemoteUnpicklable"]

#: seconds (machine share) a worker may take to say what its objects hold
NAMES_DEADLINE = 2.0
#: what a worker may ask of each kind of primitive ("get:x"/"set:x": attribute x)
ALLOWED = {
    "Lock": {"acquire", "release"}, "RLock": {"acquire", "release"},
    "Semaphore": {"acquire", "release", "get_value"}, "BoundedSemaphore": {"acquire", "release", "get_value"},
    "Condition": {"acquire", "release", "wait", "notify", "notify_all"},
    "Event": {"is_set", "set", "clear", "wait"},
    "Barrier": {"wait", "abort", "reset", "get:n_waiting", "get:broken"},
    "RawValue": {"get:value", "set:value"},
    "RawArray": {"getitem", "setitem", "get:value", "set:value", "get:raw", "set:raw"},
    "Synchronized": {"get:value", "set:value"},
    "SynchronizedArray": {"getitem", "setitem", "get:value", "set:value", "get:raw", "set:raw"},
}
#: more releases than any run can make before its deadline (each is a round trip): a
#: semaphore with that much room below its maximum never fails a release
RELEASES_NEVER_REACHED = 2 ** 30
_PLAIN = (int, float, bool, str)
CLOCKS = frozenset({"monotonic", "perf_counter", "time", "monotonic_ns", "perf_counter_ns", "time_ns"})
CTYPES = frozenset({"c_bool", "c_char", "c_wchar", "c_byte", "c_ubyte", "c_short", "c_ushort", "c_int", "c_uint",
                    "c_long", "c_ulong", "c_longlong", "c_ulonglong", "c_int8", "c_int16", "c_int32", "c_int64",
                    "c_uint8", "c_uint16", "c_uint32", "c_uint64", "c_float", "c_double", "c_size_t", "c_ssize_t"})


class RemoteUnpicklable(Exception):
    """The parent worker could not pickle the shared object (``info``: what it found)."""

    def __init__(self, info: dict):
        super().__init__(str(info.get("text") or info.get("error") or "cannot be pickled"))
        self.info = info


class Execution:
    """One execution's workers, and the handles of its primitives (their positions in the
    engine's creation order, the same in every worker)."""

    def __init__(self, session, ctx, runtime: "RemoteRuntime"):
        self.session = session
        self.ctx = ctx                       # the engine's ControlledContext of this execution
        self.runtime = runtime
        self.parent: WorkerLink | None = None
        self.processes: list[WorkerLink] = []
        self.table: list = []                # handle -> primitive
        self.index: dict[int, int] = {}      # id(primitive) -> handle
        self.condition_locks: dict[int, object] = {}
        self.tags = {"$h": self._prim, "$ctype": self._ctype}

    def parent_link(self) -> WorkerLink:
        """The worker that runs this execution's setup and check: the last execution's, told
        to forget its objects, when it is free; else a new one."""
        if self.parent is None:
            runtime = self.runtime
            link = runtime.parent
            if link is not None and not link.closed and link.clean:
                link.send({"forget": True})
            else:
                link = runtime.parent = self.session.host.fork([{"role": "controlled", "pid": 0,
                                                                 "globals": runtime.globals_mode}])[0]
            self.parent = link
        return self.parent

    # ---------------------------------------------------------------- operations
    def perform(self, message: dict) -> dict:
        """Do one operation a worker asked for, as the process whose greenlet runs now."""
        line = message.get("at")
        located = type(line) is int and line > 0 and hooks.logging()   # only a logged run needs it
        if located:
            hooks.set_location((self.session.file, line))
        try:
            op = message.get("op")
            if op == "new":
                self._sync()
                prim = self._new(message.get("kind"), self._args(message))
                self._sync()
                return {"r": {"$stub": self._info(prim)}}
            result = self._operate(op, message)
        except ProtocolError as exc:
            raise WorkerLost(f"the process running the answer broke the protocol: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - the answer's misuse of a primitive, raised in the worker
            return {"e": {"type": type(exc).__name__, "msg": str(exc)[:2_000]}}
        finally:
            if located:
                hooks.set_location(None)
        return {"r": encode(result)}

    def _operate(self, op, message):
        if op == "call":
            prim = self._prim(message.get("h"))
            method, args = message.get("m"), self._args(message)
            if method not in ALLOWED.get(type(prim).__name__, ()):
                raise ProtocolError(f"{type(prim).__name__} has no operation {str(method)[:40]!r}")
            if method.startswith("get:"):
                return getattr(prim, method[4:])
            if method.startswith("set:"):
                setattr(prim, method[4:], args[0])
                return None
            if method == "getitem":
                return prim[args[0]]
            if method == "setitem":
                prim[args[0]] = args[1]
                return None
            return getattr(prim, method)(*args)
        if op == "time":
            if message.get("fn") not in CLOCKS:
                raise ProtocolError("an unknown clock")
            return getattr(time, message["fn"])()       # the engine's virtual clock in this thread
        if op == "sleep":
            time.sleep(decode_reply(message.get("s")))
            return None
        if op == "clock":
            return hooks.read_clock()
        if op == "repr":
            return repr(self._prim(message.get("h")))
        raise ProtocolError(f"an unknown operation {str(op)[:40]!r}")

    def _new(self, kind, a):
        ctx = self.ctx
        simple = {"Lock": ctx.Lock, "RLock": ctx.RLock, "Event": ctx.Event}
        if kind in simple:
            return simple[kind](*a)
        if kind in ("Semaphore", "BoundedSemaphore"):
            return getattr(ctx, kind)(*a[:1])
        if kind == "Condition":
            lock = a[0] if a else None
            before = len(self.table)
            cond = ctx.Condition(lock)
            self._sync()
            self.condition_locks[id(cond)] = lock if lock is not None else self.table[before]
            return cond
        if kind == "Barrier":
            return ctx.Barrier(a[0], None, a[1] if len(a) > 1 else None)
        if kind == "RawValue":
            return ctx.RawValue(a[0], *a[1])
        if kind == "RawArray":
            return ctx.RawArray(a[0], a[1])
        if kind == "Value":
            return ctx.Value(a[0], *a[1], lock=a[2])
        if kind == "Array":
            return ctx.Array(a[0], a[1], lock=a[2])
        raise ProtocolError(f"an unknown primitive {str(kind)[:40]!r}")

    def _args(self, message) -> list:
        args = message.get("a", [])
        if type(args) is list and all(a is None or type(a) in _PLAIN for a in args):
            return args                       # the usual case: ints, floats, bools
        args = decode_reply(args, self.tags)
        if type(args) is not list or len(args) > 4:
            raise ProtocolError("malformed arguments")
        return args

    def _prim(self, handle):
        if type(handle) is not int or not 0 <= handle < len(self.table):
            raise ProtocolError("an unknown primitive")
        return self.table[handle]

    @staticmethod
    def _ctype(name):
        if name not in CTYPES:
            raise TypeError("the controlled context supports simple ctypes types only")
        return getattr(ctypes, name)

    def _sync(self) -> None:
        created = hooks.primitives_created()
        for prim in created[len(self.table):]:
            self.index[id(prim)] = len(self.table)
            self.table.append(prim)

    def _info(self, prim) -> dict:
        """What a worker's stub of ``prim`` knows: its handle, kind, and what never changes."""
        kind = type(prim).__name__
        info = {"h": self.index[id(prim)], "kind": kind}
        if kind == "Barrier":
            info["parties"] = prim.parties
        elif kind == "Semaphore":
            info["room"] = prim._max - prim._value > RELEASES_NEVER_REACHED
        elif kind == "RawValue":
            info["type"] = prim._type_                  # the ctypes typecode, e.g. "q"
        elif kind == "RawArray":
            info["type"] = prim._type_.__name__         # the element's ctypes type, e.g. "c_long"
        if kind in ("RawArray", "SynchronizedArray"):
            info["len"] = len(prim)
        if kind in ("Synchronized", "SynchronizedArray"):
            info["raw"] = self._info(prim.get_obj())
            info["lock"] = self._info(prim.get_lock())
        elif kind == "Condition":
            info["lock"] = self._info(self.condition_locks[id(prim)])
        return info

    # ---------------------------------------------------------------- names
    def names(self) -> dict:
        """id(primitive) -> name, as the engine's name_primitives gives them: the parent's
        object first, then what each process made for itself, then Kind#n."""
        self._sync()
        by_handle: dict[int, str] = {}
        for h, name in _names_of(self.parent):
            by_handle.setdefault(h, name)
        for pid, link in enumerate(self.processes, 1):
            for h, name in _names_of(link):
                by_handle.setdefault(h, f"P{pid}'s own {name}")
        names, counters = {}, {}
        for h, prim in enumerate(self.table):
            counters[prim.kind] = counters.get(prim.kind, 0) + 1
            names[id(prim)] = by_handle.get(h) or f"{prim.kind}#{counters[prim.kind]}"
        return names


def _names_of(link) -> list:
    if link is None or link.closed or link.busy or not (link.clean or link.answering):
        return []                # gone, or running the answer's code: it cannot say now
    try:
        link.send({"names?": True})
        reply = link.recv(Deadline(NAMES_DEADLINE))
    except WorkerLost:
        return []
    found = reply.get("names")
    if type(found) is not list:
        link.close()
        return []
    return [(h, name) for h, name in (e for e in found if type(e) is list and len(e) == 2)
            if type(h) is int and type(name) is str][:10_000]


class RemoteRuntime(ProcessRuntime):
    """The engine's process runtime for an answer that runs in workers (see the module doc).

    Workers serve execution after execution: the parent worker builds a new object each time,
    and process Pi's worker gets a fresh copy of the shared object each time (as a spawned
    process would). A worker that still owes a reply when an execution ends (it was blocked
    in an operation, or never started) is replaced; forking is what costs most."""

    def __init__(self, session, globals_mode: str | None):
        self.session = session
        self.globals_mode = globals_mode
        self.execution: Execution | None = None
        self.parent: WorkerLink | None = None
        self.workers: dict[int, WorkerLink] = {}      # pid -> the worker of process Pi

    def begin(self, sim, ctx):
        self.execution = self.session.current_execution = Execution(self.session, ctx, self)

    def end(self, sim):
        self.execution = None
        self.session.current_execution = None
        if self.parent is not None and (self.parent.closed or not self.parent.clean):
            self.parent.close()          # cut short in setup or the check: a hang, kill it
            self.parent = None
        for pid, link in list(self.workers.items()):
            if not link.settle():
                del self.workers[pid]

    def close(self) -> None:
        """Release every worker (the property is done)."""
        for link in [self.parent, *self.workers.values()]:
            if link is not None:
                link.close()
        self.parent, self.workers = None, {}

    def _root(self, root) -> tuple[WorkerLink, int]:
        execution = self.execution
        if not isinstance(root, RemoteObject) or execution is None or root._link is not execution.parent:
            raise TypeError("the scenario's setup must return the answer's object, built from its ctx")
        return root._link, root._ident

    def find_foreign(self, root):
        link, ident = self._root(root)
        found = _plain(link.request({"foreign": ident}, self.execution))
        if found is None:
            return None
        if type(found) is not dict or not all(type(found.get(k)) is str for k in ("owner", "path", "what")):
            raise WorkerLost("the process running the answer broke the protocol: a malformed finding")
        return found["path"], found

    def share(self, root, processes: int):
        link, ident = self._root(root)
        shared = _plain(link.request({"share": ident}, self.execution))
        if type(shared) is not dict:
            raise WorkerLost("the process running the answer broke the protocol: a malformed copy")
        if type(shared.get("unpicklable")) is dict:
            raise RemoteUnpicklable(shared["unpicklable"])
        if type(shared.get("state")) is not str:
            raise WorkerLost("the process running the answer broke the protocol: a malformed copy")
        state = shared["state"]
        missing = []
        for pid in range(1, processes + 1):
            link = self.workers.get(pid)
            if link is not None and not link.closed and link.clean:
                link.send({"reset": state})
                link.clean, link.owes_ready = False, True
            else:
                missing.append(pid)
        if missing:
            specs = [{"role": "controlled", "pid": pid, "globals": self.globals_mode, "state": state}
                     for pid in missing]
            for pid, link in zip(missing, self.session.host.fork(specs)):
                link.clean, link.owes_ready = False, True
                self.workers[pid] = link
        self.execution.processes = [self.workers[pid] for pid in range(1, processes + 1)]
        return self.execution.processes

    def copy(self, links, pid):
        link = links[pid - 1]
        first = link.recv(Deadline(WORKER_DEADLINE))
        link.clean, link.owes_ready = True, False
        if "raised" in first:
            raise remote_exception(first["raised"])
        ready = first.get("ready")
        if type(ready) is not dict or type(ready.get("$new")) is not int or type(ready.get("methods")) is not list:
            link.close()
            raise WorkerLost("the process running the answer broke the protocol: a malformed start")
        return RemoteObject(link, ready["$new"], [m for m in ready["methods"] if type(m) is str],
                            str(ready.get("type", "object"))[:100], self.execution)

    def names(self, sim):
        return self.execution.names() if self.execution is not None else {}

    def unpicklable_message(self, root, exc):
        if isinstance(exc, RemoteUnpicklable):
            info = exc.info
            if all(type(info.get(k)) is str for k in ("owner", "path", "what", "error")):
                return unpicklable_sentence(info["owner"], info["path"], info["what"], info["error"])
        return f"the shared object cannot be pickled: {exc}"

    def foreign_message(self, root, found):
        _, info = found
        return foreign_sentence(info["owner"], info["path"], info["what"])


def _plain(reply: dict):
    """The content of a protocol reply (not an encoded value), or what the answer raised."""
    if "raised" in reply:
        raise remote_exception(reply["raised"])
    return reply["ret"]

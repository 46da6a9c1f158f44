"""One suite's judge: its worker host, and where each of the answer's objects is built.

The judge knows the scenarios, the expected results and the points; it never runs the
answer. It holds the answer's source (to show the student's lines in stories and to read it
as text), one :class:`~.links.HostLink`, and builds each object where the check needs it:

* with the engine's ControlledContext (a controlled run's setup): in that execution's parent
  worker (judge/controlled.py);
* with a :class:`~.remote.RealContext` (a real-process run): in a worker of its own that uses
  multiprocessing's context for that start method, and starts the real children;
* with neither (a one-process check): in the suite's *plain* worker, replaced by a fresh one
  when a call in it was given up on.
"""
from __future__ import annotations

import linecache

from autograder.engine import ControlledContext
from autograder.worker.wire import encode

from .controlled import RemoteRuntime
from .links import HostLink, WorkerLink, WorkerLost
from .remote import RealContext, RemoteClass, RemoteObject, remote_exception

__all__ = ["Session", "LoadFailure"]


class LoadFailure(Exception):
    """The answer's module could not be run: ``syntax`` (line, message) or ``raised`` (type
    name, message)."""

    def __init__(self, syntax=None, raised=None):
        super().__init__(str(syntax or raised))
        self.syntax = syntax
        self.raised = raised


class Session:
    """What the judge uses to reach the answer during one suite (see the module docstring)."""

    def __init__(self, host: HostLink, exercise_id: str, source: str):
        self.host = host
        self.source = source
        self.module_name = f"answer_{exercise_id}"
        # where the answer's lines are found for stories: a name of the judge's own, whose
        # text is the source it was given (never a file a worker names)
        self.file = f"/answer/{self.module_name}.py"
        linecache.cache[self.file] = (len(source), None, source.splitlines(keepends=True), self.file)
        self.current_execution = None       # set by a RemoteRuntime while an execution runs
        self._plain: WorkerLink | None = None
        self._real: list[WorkerLink] = []

    # ---------------------------------------------------------------- the answer's class
    def load_class(self, name: str) -> RemoteClass | None:
        """The answer's class ``name`` (None if the module has no such class), or LoadFailure."""
        syntax = self.host.hello.get("syntax")
        if syntax is not None:
            raise LoadFailure(syntax=syntax if _pair(syntax) else [0, "unreadable"])
        reply = self.plain_link().request({"describe": name})
        if "raised" in reply:
            raise remote_exception(reply["raised"])
        described = reply.get("ret")
        if type(described) is not dict:
            raise WorkerLost("the process running the answer broke the protocol: a malformed description")
        if described.get("load") is not None:
            raise LoadFailure(raised=described["load"] if _pair(described["load"]) else ["Exception", ""])
        found = described.get("class")
        if type(found) is not dict:
            return None
        params = found.get("params")
        return RemoteClass(self, name, params if type(params) is list else None)

    def runtime(self, globals_mode: str | None) -> RemoteRuntime:
        """The engine runtime for one controlled property's explorations."""
        return RemoteRuntime(self, globals_mode)

    def real_context(self, method: str) -> RealContext:
        """A ctx for one real-process run under ``method``; the previous runs' workers (and
        their children) are released."""
        for link in self._real:
            link.close()
        self._real = []
        return RealContext(self, method)

    # ---------------------------------------------------------------- objects
    def construct(self, cls: RemoteClass, args: tuple, kwargs: dict, route: RealContext | None = None) -> RemoteObject:
        """``cls(*args, **kwargs)`` in a worker: the worker of the context among the arguments
        (or ``route``'s, for an object built without ctx that a real run sends to children)."""
        contexts = [route] if route is not None else \
            [a for a in (*args, *kwargs.values()) if isinstance(a, (ControlledContext, RealContext))]
        ops = None
        if contexts and isinstance(contexts[0], ControlledContext):
            execution = self.current_execution
            if execution is None:
                raise RuntimeError("a controlled context outside a controlled run of the judge")
            link, ops = execution.parent_link(), execution
        elif contexts:
            real = contexts[0]
            if real.link is None or real.link.closed:
                real.link = self.host.fork([{"role": "real", "method": real.method}])[0]
                self._real.append(real.link)
            link = real.link
        else:
            link = self.plain_link()

        def refs(value):
            if isinstance(value, ControlledContext):
                return {"$ctx": "controlled"}
            if isinstance(value, RealContext):
                return {"$ctx": ["real", value.method]}
            if isinstance(value, RemoteObject) and value._link is link:
                return {"$ref": value._ident}
            return None

        reply = link.request({"new": {"cls": cls.__name__, "args": [encode(a, refs) for a in args],
                                      "kwargs": encode(dict(kwargs), refs)}}, ops)
        if "raised" in reply:
            raise remote_exception(reply["raised"])
        made = reply.get("ret")
        if type(made) is not dict or type(made.get("$new")) is not int or type(made.get("methods")) is not list:
            link.close()
            raise WorkerLost("the process running the answer broke the protocol: a malformed object")
        return RemoteObject(link, made["$new"], [m for m in made["methods"] if type(m) is str],
                            str(made.get("type", "object"))[:100], ops)

    def plain_link(self) -> WorkerLink:
        """The one-process worker; a fresh one if the last was lost or a call in it was given
        up on (it is still busy with it)."""
        link = self._plain
        if link is None or link.closed or link.busy:
            if link is not None:
                link.close()
            link = self._plain = self.host.fork([{"role": "plain"}])[0]
        return link

    def close(self) -> None:
        for link in [self._plain, *self._real]:
            if link is not None:
                link.close()
        linecache.cache.pop(self.file, None)


def _pair(value) -> bool:
    return type(value) is list and len(value) == 2 and type(value[1]) is str

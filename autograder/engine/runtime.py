"""Where a scenario's code runs: the :class:`ProcessRuntime` protocol, and :class:`InProcess`.

The engine runs setup, the processes and the check as greenlets of the exploring thread. What
they call on the shared object runs either right there (:class:`InProcess`, the default: the
lessons, the puzzles, ``autograder.replay`` on a student's own machine) or in worker processes
that relay every primitive operation back to this engine (the grader's judge, ``autograder.judge``:
student code never runs next to the engine). Either way the engine does the same: the same
scheduling points, the same Sim, the same reports. A runtime only answers the questions that
need the object itself:

* ``begin(sim, ctx)`` / ``end(sim)``: an execution starts (``ctx`` is the ControlledContext
  setup receives) / is over (its processes may be released);
* ``find_foreign(root)``: ``(path, description)`` of a real multiprocessing primitive in the
  shared object, or None (asked once, on the first execution);
* ``share(root, processes)``: prepare one copy of ``root`` per process, as spawn would send it
  (raises when it cannot be pickled); ``copy(shared, pid)``: process ``pid``'s copy, called in
  that process's greenlet before its body;
* ``names(sim)``: ``id(primitive) -> name`` for the timeline and deadlock reports;
* ``unpicklable_message(root, exc)`` and ``foreign_message(root, found)``: the sentences for
  an object that cannot be sent, from what ``share`` raised and ``find_foreign`` found.
"""
from __future__ import annotations

from ._copying import dumps, loads
from ._report import find_foreign, find_unpicklable, foreign_message, name_primitives, unpicklable_message

__all__ = ["ProcessRuntime", "InProcess", "IN_PROCESS"]


class ProcessRuntime:
    """The protocol (see the module docstring); every method has to be given."""

    def begin(self, sim, ctx) -> None:
        raise NotImplementedError

    def end(self, sim) -> None:
        raise NotImplementedError

    def find_foreign(self, root):
        raise NotImplementedError

    def share(self, root, processes: int):
        raise NotImplementedError

    def copy(self, shared, pid: int):
        raise NotImplementedError

    def names(self, sim) -> dict:
        raise NotImplementedError

    def unpicklable_message(self, root, exc) -> str:
        raise NotImplementedError

    def foreign_message(self, root, found) -> str:
        raise NotImplementedError


class InProcess(ProcessRuntime):
    """Everything in this interpreter: copies by pickling, as spawn makes them (_copying.py)."""

    def begin(self, sim, ctx):
        pass

    def end(self, sim):
        pass

    def find_foreign(self, root):
        return find_foreign(root)

    def share(self, root, processes):
        table = []
        return dumps(root, table), table

    def copy(self, shared, pid):
        data, table = shared
        return loads(data, table)

    def names(self, sim):
        return name_primitives(sim.root, sim.prims, sim.copies)

    def unpicklable_message(self, root, exc):
        found = find_unpicklable(root, lambda o: dumps(o, []))
        if found is None:
            return f"the shared object cannot be pickled: {exc}"
        return unpicklable_message(root, *found)

    def foreign_message(self, root, found):
        return foreign_message(root, *found)


IN_PROCESS = InProcess()

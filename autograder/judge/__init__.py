"""The judge: grades an answer without ever running it.

It knows the scenarios, the expected results and the points (autograder.checks), owns the
scheduler, the virtual clock and every primitive of a controlled run (autograder.engine), and
reaches the answer only through workers: sandboxed processes forked by a worker host
(autograder.worker), which run the student's code and nothing that knows an expected result.

* ``links``: the connections to the host and to each worker, with deadlines;
* ``remote``: the answer's class and objects as the judge holds them, values and exceptions;
* ``controlled``: controlled runs whose simulated processes are workers (the engine's
  ProcessRuntime), every primitive operation relayed to the engine;
* ``real``: real-process runs where each child gets only its own calls;
* ``session``: one suite's host, and where each object is built.
"""
from .links import HostLink, HostLost, WorkerLink, WorkerLost
from .real import run_children
from .remote import Foreign, RealContext, RemoteClass, RemoteObject, remote_exception, type_name
from .session import LoadFailure, Session

__all__ = ["HostLink", "HostLost", "WorkerLink", "WorkerLost", "Foreign", "RealContext", "RemoteClass",
           "RemoteObject", "remote_exception", "type_name", "LoadFailure", "Session", "run_children"]

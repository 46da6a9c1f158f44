"""The judge's ends of its connections: to the worker host, and to each worker.

Every wait here has a deadline in machine share (autograder.deadlines). A worker that sends
garbage, too much, or nothing in time, or goes away, fails the request it was asked (the
caller turns that into a failure of the process or call concerned); it never gets further.

The host's connection is shared by every execution of a suite, so its requests run in a
thread of their own: the engine's watchdog interrupts the exploring thread with an exception
at any moment (a hang), and a request cut in half would leave that connection unreadable.
"""
from __future__ import annotations

import queue
import socket
import threading

from autograder.deadlines import Deadline
from autograder.worker.wire import Channel, Closed, ProtocolError, TimedOut

__all__ = ["HostLink", "WorkerLink", "WorkerLost", "HostLost", "HELLO_DEADLINE", "REQUEST_DEADLINE",
           "abandon_requests_of"]

#: thread id -> the link whose request that thread is in (see abandon_requests_of)
_IN_REQUEST: dict[int, "WorkerLink"] = {}


def abandon_requests_of(thread: threading.Thread) -> bool:
    """The caller gave up on ``thread``'s call (its deadline passed): the worker running it,
    busy in the answer's code (an endless loop, a signal it ignores), is killed, so the
    thread's wait ends and the link does not stay busy. True if there was such a request."""
    link = _IN_REQUEST.get(thread.ident)
    if link is None:
        return False
    link.close()
    return True

#: seconds (machine share) for the host to start, and for it to answer a request
HELLO_DEADLINE = 60.0
REQUEST_DEADLINE = 60.0
#: seconds a worker may take over one request outside a controlled run (a call's own, shorter
#: deadline is the check's business: checks.common.call_with_deadline)
WORKER_DEADLINE = 300.0


class WorkerLost(RuntimeError):
    """The worker running the answer broke the protocol, stalled or ended."""


class HostLost(RuntimeError):
    """The worker host is gone or broke the protocol: no more workers for this suite."""


class WorkerLink:
    """The judge's end of one worker's socket."""

    def __init__(self, host: "HostLink", ident: int, sock: socket.socket, role: str):
        self.host = host
        self.ident = ident
        self.role = role
        self.channel = Channel(sock, timeout=0.05)
        self.lock = threading.Lock()
        self.closed = False
        self.busy = False          # a request is in progress (a caller may have given up on it)
        self.clean = True          # no reply is owed: the worker waits for a request
        self.answering = False     # the worker waits for our answer to one of its operations
        self.owes_ready = False    # the worker was given a copy of the shared object to make
        self.ahead = False         # an operation it sent without waiting is being performed

    def send(self, message: dict, fds=()) -> None:
        if self.closed:
            raise WorkerLost("the process running the answer is gone")
        try:
            self.channel.send(message, fds)
        except (OSError, ProtocolError) as exc:
            self.close()
            raise WorkerLost(f"the process running the answer could not be reached ({exc})") from None

    def recv(self, deadline: Deadline) -> dict:
        if self.closed:
            raise WorkerLost("the process running the answer is gone")
        try:
            return self.channel.recv(deadline)
        except TimedOut:
            self.close()
            raise WorkerLost(f"the process running the answer did not answer within "
                             f"{deadline.seconds:g} s") from None
        except Closed:
            self.close()
            raise WorkerLost("the process running the answer ended without answering") from None
        except ProtocolError as exc:
            self.close()
            raise WorkerLost(f"the process running the answer broke the protocol: {exc}") from None

    def request(self, message: dict, ops=None, *, seconds: float = WORKER_DEADLINE, fds=()):
        """Send ``message`` and return the worker's final reply (a dict with "ret" or
        "raised"). Meanwhile each operation the worker asks for (a controlled process's
        primitives and clock) is performed by ``ops`` (its ``perform(message) -> reply``);
        without ``ops`` an operation breaks the protocol."""
        if not self.lock.acquire(timeout=1.0):
            raise WorkerLost("the process running the answer is still busy with a call that did not return")
        self.busy = True
        self.clean = False
        _IN_REQUEST[threading.get_ident()] = self
        try:
            self.send(message, fds)
            while True:
                reply = self.recv(Deadline(seconds))
                if "ret" in reply or "raised" in reply:
                    self.clean = True
                    return reply
                if "op" in reply and ops is not None:
                    if reply.get("async") is True:    # it did not wait: no answer, and it cannot fail
                        self.ahead = True
                        failed = "e" in ops.perform(reply)
                        self.ahead = False
                        if failed:
                            self.close()
                            raise WorkerLost("the process running the answer broke the protocol: an "
                                             "operation sent without waiting failed")
                        continue
                    self.answering = True
                    answer = ops.perform(reply)       # may switch to other processes, or end the run
                    self.send(answer)
                    self.answering = False
                    continue
                self.close()
                raise WorkerLost("the process running the answer broke the protocol: an unexpected message")
        finally:
            _IN_REQUEST.pop(threading.get_ident(), None)
            self.busy = False
            self.lock.release()

    def settle(self, seconds: float = 2.0, limit: int = 1_000) -> bool:
        """Make a worker that still owes us something (its copy's "ready", or the end of a
        call cut short when its execution ended) free again: every operation it asks for is
        answered "abort", which unwinds the answer's call as the engine unwinds a process
        (its finally blocks run). True if it is free; else it is closed."""
        if self.closed or self.clean:
            return not self.closed
        if not (self.answering or self.owes_ready or self.ahead):
            self.close()                      # it is running the answer's code (a hang): kill it
            return False
        try:
            clock = Deadline(seconds)
            if self.answering:
                self.send({"abort": True})
                self.answering = False
            self.ahead = False                # its next message comes: an operation, or the end
            for _ in range(limit):
                message = self.recv(clock)
                if "ret" in message or "raised" in message or "ready" in message:
                    self.clean, self.owes_ready = True, False
                    return True
                if "op" not in message:
                    break
                self.send({"abort": True})
        except WorkerLost:
            return False
        self.close()
        return False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.channel.close()
            self.host.kill([self.ident])


class HostLink:
    """The judge's end of the worker host's control socket."""

    def __init__(self, sock: socket.socket):
        self.channel = Channel(sock, timeout=0.05)
        self.lost: str | None = None
        try:
            hello = self.channel.recv(Deadline(HELLO_DEADLINE), with_fds=True)
        except (TimedOut, ProtocolError) as exc:
            raise HostLost(f"the worker host did not start ({exc})") from None
        if type(hello.get("hello")) is not dict:
            raise HostLost("the worker host did not say hello")
        self.hello = hello["hello"]
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="worker-host-link", daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- requests
    def fork(self, specs: list[dict]) -> list[WorkerLink]:
        """New workers, one per spec (worker/host.py); their links, in order."""
        box = self._submit(("fork", specs))
        links = box["result"]
        if isinstance(links, BaseException):
            raise links
        return links

    def kill(self, idents: list[int]) -> None:
        """Those workers are killed (no answer awaited)."""
        if self.lost is None:
            self._jobs.put(("kill", list(idents), None))

    def stop(self) -> None:
        if self.lost is None:
            self._jobs.put(("stop", None, None))
        self._jobs.put(None)
        self._thread.join(timeout=REQUEST_DEADLINE)
        self.channel.close()

    def _submit(self, job) -> dict:
        if self.lost is not None:
            raise HostLost(self.lost)
        box: dict = {"done": threading.Event(), "abandoned": False, "lock": threading.Lock()}
        self._jobs.put((*job, box))
        try:
            while not box["done"].wait(0.05):
                pass
        except BaseException:
            # interrupted (the watchdog's hang): the request still completes in the link's
            # thread; whoever of the two comes second releases what it brings back
            with box["lock"]:
                box["abandoned"] = True
                result = box.get("result")
            _release(result)
            raise
        return box

    # ---------------------------------------------------------------- the link's thread
    def _serve(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            kind, body, box = job
            try:
                if self.lost is not None:
                    raise HostLost(self.lost)
                result = self._fork(body) if kind == "fork" else self._send({kind: body if body else True})
            except BaseException as exc:  # noqa: BLE001 - handed to the requester
                if not isinstance(exc, HostLost):
                    self.lost = f"the worker host stopped answering ({type(exc).__name__}: {exc})"
                    exc = HostLost(self.lost)
                result = exc
            if box is None:
                continue
            with box["lock"]:
                box["result"] = result
                abandoned = box["abandoned"]
            if abandoned:
                _release(result)
            box["done"].set()

    def _send(self, message: dict) -> None:
        self.channel.send(message)

    def _fork(self, specs) -> list[WorkerLink]:
        self.channel.send({"fork": specs})
        reply = self.channel.recv(Deadline(REQUEST_DEADLINE), with_fds=True)
        idents = reply.get("forked")
        if type(idents) is not list or len(idents) != len(specs) or not all(type(i) is int for i in idents):
            raise HostLost("the worker host answered a fork with something else")
        fds = self.channel.take_fds(len(idents))
        return [WorkerLink(self, ident, socket.socket(fileno=fd), spec["role"])
                for ident, fd, spec in zip(idents, fds, specs)]


def _release(result) -> None:
    if isinstance(result, list):
        for link in result:
            link.close()

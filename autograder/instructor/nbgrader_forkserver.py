"""nbgrader commands forked from one process that has already imported nbgrader.

``python -m nbgrader`` spends over a second of CPU importing nbgrader, nbconvert and
traitlets before it does anything, and grading pays that twice per submission (autograde,
then the feedback page). While :func:`running` is active, :func:`nbgrader_cli.nbgrader
<autograder.instructor.nbgrader_cli.nbgrader>` asks a *forkserver* for its commands
instead: a process (``python -m autograder.instructor.nbgrader_forkserver SOCKET``) that has
imported nbgrader once and forks one child per command. The child is what ``python -m
nbgrader ARGS`` would be (its own folder, environment, session and log file) minus the
imports. Each command keeps its own process, deadline and kill: the caller kills the child's
tree as it kills a Popen's, and the server only forks and reports exit statuses.

The protocol is one connection per command, JSON lines: the caller sends ``{"argv", "cwd",
"env", "log", "cpus"}``, the server answers ``{"pid": n}`` once the child exists and ``{"status":
code}`` once it has ended. A caller that hangs up kills its command. The server ends, killing
what it still runs, when its standard input closes (the grading run ended or died).
"""
from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.deadlines import Deadline

__all__ = ["running", "current", "ForkedCommand", "ForkserverUnavailable"]

#: seconds (machine share) for the server to import nbgrader and say it is ready
READY_DEADLINE = 60.0
#: what the server imports once, so that no command pays for it: nbgrader's apps (every
#: converter, preprocessor and nbconvert exporter they use) and the course's preprocessors
PRELOAD = ("nbgrader.apps.nbgraderapp", "autograder.instructor.preprocessors.sandboxed_execute",
           "autograder.instructor.preprocessors.trusted_scores")

_current: "Forkserver | None" = None


class ForkserverUnavailable(RuntimeError):
    """The forkserver did not start or no longer answers."""


def current() -> "Forkserver | None":
    """The forkserver of the grading run in progress in this process, if any."""
    return _current


@contextlib.contextmanager
def running(env: dict[str, str]):
    """Run nbgrader commands of this process from a forkserver started with ``env`` for
    the block. If it cannot start, commands run as plain processes: slower, the same result."""
    global _current
    try:
        server = Forkserver(env)
    except ForkserverUnavailable:
        yield None
        return
    _current = server
    try:
        yield server
    finally:
        _current = None
        server.stop()


class Forkserver:
    """The caller's end: starts the server, and starts commands in it (thread-safe: one
    connection per command)."""

    def __init__(self, env: dict[str, str]):
        self._folder = tempfile.TemporaryDirectory(prefix="nbgrader-forkserver-")
        self.address = str(Path(self._folder.name) / "socket")
        self.proc = subprocess.Popen([sys.executable, "-m", __name__, self.address], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        ready = _read_line(self.proc.stdout, Deadline(READY_DEADLINE))
        if ready != b"ready\n":
            self.stop()
            raise ForkserverUnavailable("the nbgrader forkserver did not start")

    def popen(self, argv: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> "ForkedCommand":
        """``python -m nbgrader ARGV`` in ``cwd`` with ``env``, its output in ``log``."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(READY_DEADLINE)
            sock.connect(self.address)
            # the CPUs of the calling thread, as a Popen from it would inherit (affinity.JobCpus)
            cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
            sock.sendall(json.dumps({"argv": argv, "cwd": str(cwd), "env": env, "log": str(log),
                                     "cpus": cpus}).encode() + b"\n")
            command = ForkedCommand(sock)
            reply = json.loads(command.read_line(READY_DEADLINE) or b"{}")
        except (OSError, ValueError) as exc:
            sock.close()
            raise ForkserverUnavailable(f"the nbgrader forkserver did not answer ({exc})") from None
        if type(reply.get("pid")) is not int:
            sock.close()
            raise ForkserverUnavailable(f"the nbgrader forkserver could not start the command: {reply}")
        command.pid = reply["pid"]
        return command

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self._folder.cleanup()


class ForkedCommand:
    """A command the forkserver started: what nbgrader_cli needs of a Popen (``pid``,
    ``wait(timeout)``, ``returncode``)."""

    def __init__(self, sock: socket.socket):
        self.pid: int | None = None
        self.returncode: int | None = None
        self._sock = sock
        self._buffer = b""

    def read_line(self, timeout: float | None) -> bytes:
        """The next line from the server; TimeoutError if it did not come in time, b"" if
        the server hung up."""
        self._sock.settimeout(timeout)
        while b"\n" not in self._buffer:
            data = self._sock.recv(4096)
            if not data:
                return b""
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is not None:
            return self.returncode
        try:
            line = self.read_line(timeout)
        except (TimeoutError, socket.timeout):
            raise subprocess.TimeoutExpired(f"nbgrader (pid {self.pid})", timeout) from None
        except OSError:
            line = b""
        try:
            status = json.loads(line)["status"] if line else None
        except (ValueError, KeyError, TypeError):
            status = None
        # no status: the server is gone (nbgrader_cli's kill_tree ends the child if it still runs)
        self.returncode = status if type(status) is int else -signal.SIGKILL
        self._sock.close()
        return self.returncode


def _read_line(stream, deadline: Deadline) -> bytes:
    """One line from a pipe, or b"" if none came in time."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    try:
        while not deadline.expired():
            if selector.select(deadline.wait_step()):
                return stream.readline()
        return b""
    finally:
        selector.close()


# ------------------------------------------------------------------ the server
def serve(address: str) -> None:
    """Import nbgrader, say "ready" on stdout, then fork a child per request until stdin closes."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin.buffer, selectors.EVENT_READ, "stdin")
    os.write(1, b"ready\n")
    pending: dict[socket.socket, bytes] = {}
    children: dict[int, socket.socket] = {}           # pid -> its caller's connection
    try:
        while True:
            for key, _ in selector.select(0.05):
                if key.data == "stdin":
                    if not os.read(0, 4096):
                        return
                elif key.data == "accept":
                    conn, _ = listener.accept()
                    pending[conn] = b""
                    selector.register(conn, selectors.EVENT_READ, "request")
                elif key.data == "request":
                    _read_request(key.fileobj, pending, children, selector, listener)
                else:                                   # a caller hung up before its command ended
                    selector.unregister(key.fileobj)
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(key.data, signal.SIGKILL)
            _reap(children, selector)
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        _reap(children, selector, block=True)


def _read_request(conn, pending, children, selector, listener) -> None:
    data = conn.recv(1 << 20)
    if not data:
        selector.unregister(conn)
        pending.pop(conn, None)
        conn.close()
        return
    pending[conn] += data
    if b"\n" not in pending[conn]:
        return
    selector.unregister(conn)
    request = json.loads(pending.pop(conn))
    pid = os.fork()
    if pid == 0:
        # the command keeps none of the server's sockets: its callers see the server's end
        # close when the server closes it, not when every command that inherited it has ended
        for other in (listener, conn, *pending, *children.values()):
            other.close()
        selector.close()
        _command(request)                               # never returns
    children[pid] = conn
    conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
    selector.register(conn, selectors.EVENT_READ, pid)  # readable again only if the caller hangs up


def _reap(children, selector, block: bool = False) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = children.pop(pid, None)
        if conn is None:
            continue
        with contextlib.suppress(KeyError, ValueError):
            selector.unregister(conn)
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"status": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
        conn.close()


def _command(request: dict) -> None:
    """In the forked child: become ``python -m nbgrader ARGV`` and exit with its status."""
    code = 1
    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if request.get("cpus") and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, request["cpus"])
        os.chdir(request["cwd"])
        sys.path[0] = os.getcwd()                       # as `python -m` run in that folder has it
        os.environ.clear()
        os.environ.update(request["env"])
        tempfile.tempdir = None                         # found again from this environment's TMPDIR
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(devnull)
        sys.argv = ["nbgrader", *request["argv"]]
        from nbgrader.apps.nbgraderapp import main

        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if type(exc.code) is int else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - the command's failure, told by its status and log
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            import atexit
            import logging

            atexit._run_exitfuncs()
            logging.shutdown()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # the grading run decides when this ends
    serve(sys.argv[1])

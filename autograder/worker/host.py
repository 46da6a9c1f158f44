"""The worker host: forks the workers that run student code, and runs none itself.

The judge starts one host per suite (in the sandbox when grading, as a plain process on a
student's own machine) and talks to it over one socket (the *control* socket). The host writes
the answer's module to its folder and compiles it, but never executes it; then, per request:

* ``{"fork": [spec, ...]}``: one worker per spec (serve.Worker: its role, its process number,
  and for a controlled process the shared object's pickled state). Each worker has a socket
  pair of its own; the host writes the spec into it, keeps nothing of it and sends the judge's
  end back with the reply ``{"forked": [id, ...]}`` (SCM_RIGHTS). Workers are forked ahead of
  need while the judge asks nothing (a pool), and each runs in a process group of its own.
* ``{"kill": [id, ...]}``: those workers and what they started are killed (and reaped soon).
* ``{"stop": true}`` or the end of the control socket: everything is killed; the host removes
  its folder (the temp folder of everything it started: TMPDIR) and exits.

The host is not dumpable, so no worker (same uid) can attach to it: every socket passes
through it, and the workers must not be able to reach one that is not theirs.
"""
from __future__ import annotations

import base64
import collections
import ctypes
import importlib
import os
import select
import shutil
import signal
import socket
import sys
import tempfile

from autograder.processes import become_subreaper, kill_tree

from .serve import Worker, start_copy
from .wire import Channel, Closed, ProtocolError

__all__ = ["serve", "PRELOADED"]

#: imported once here so that each worker does not pay for them (standard library only: what
#: a host imports runs in the host, and no student code may)
PRELOADED = ("multiprocessing", "multiprocessing.synchronize", "multiprocessing.sharedctypes",
             "multiprocessing.queues", "multiprocessing.reduction", "multiprocessing.popen_fork",
             "multiprocessing.popen_spawn_posix", "multiprocessing.popen_forkserver", "queue", "threading",
             "time", "collections", "collections.abc", "contextlib", "dataclasses", "enum", "functools",
             "itertools", "math", "typing", "abc", "ctypes", "random", "heapq", "bisect", "operator",
             "weakref", "copy", "inspect", "traceback", "pickle", "json", "signal", "inspect")
PR_SET_DUMPABLE = 4
ROLES = ("plain", "real", "controlled")
#: workers forked ahead of need (a controlled execution takes one per process, and the parent)
POOL = 8


def serve(control_fd: int, exercise_id: str, source: str) -> None:
    """Run the host until the judge stops it."""
    become_subreaper()        # orphans of workers come back here, to be killed
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    for name in PRELOADED:
        try:
            importlib.import_module(name)
        except ImportError:  # pragma: no cover - a platform without it
            pass
    folder = tempfile.mkdtemp(prefix="answer-")
    # Every temp folder the workers and their children make goes inside this one (pymp-*, the
    # folder of a forkserver's socket, which multiprocessing removes only at a normal exit: a
    # killed worker leaves it), so removing it at the end leaves nothing behind. Set before
    # any fork: forked workers keep tempfile.tempdir, spawned children read TMPDIR. It stays
    # short (AF_UNIX socket paths are at most 108 bytes). In a sandbox /tmp is private anyway.
    tempfile.tempdir = os.environ["TMPDIR"] = folder
    name = f"answer_{exercise_id}"
    path = os.path.join(folder, f"{name}.py")
    with open(path, "w") as f:
        f.write(source)
    sys.path.insert(0, folder)     # spawned children of a real-run worker import it by name
    hello: dict = {"pid": os.getpid()}
    try:
        code = compile(source, path, "exec")
    except SyntaxError as exc:
        code = None
        hello["syntax"] = [exc.lineno or 0, str(exc.msg)[:500]]
    except (ValueError, RecursionError, MemoryError) as exc:
        code = None
        hello["syntax"] = [0, f"{type(exc).__name__}: {exc}"[:500]]
    hello["folder"] = folder       # the judge removes it if this host is killed before it does
    host = _Host(Channel(socket.socket(fileno=control_fd)), name, path, code)
    try:
        host.channel.send({"hello": hello})
        host.loop()
    finally:
        host.kill_everything()
        shutil.rmtree(folder, ignore_errors=True)


class _Host:
    def __init__(self, channel: Channel, module_name: str, module_file: str, code):
        self.channel = channel
        self.module_name = module_name
        self.module_file = module_file
        self.code = code
        self.workers: dict[int, tuple[int, str]] = {}   # id -> (pid, role), until reaped
        self.ids: dict[int, int] = {}                     # pid -> id, while not reaped
        self.pool: collections.deque = collections.deque()   # (pid, socket) forked ahead, not assigned
        self.next_id = 1

    def loop(self) -> None:
        while True:
            message = self.channel.next_message()
            if message is None:
                if len(self.pool) < POOL and not select.select([self.channel.sock], [], [], 0)[0]:
                    self._prefork()       # while the judge has nothing to ask
                    continue
                try:
                    message = self.channel.recv()
                except Closed:
                    return
            if "fork" in message:
                self.fork(message["fork"])
            elif "kill" in message:
                for ident in message["kill"] if type(message["kill"]) is list else ():
                    self.kill(ident)
            elif "stop" in message:
                return
            else:
                raise ProtocolError("an unknown request to the host")
            self.reap()

    def _prefork(self) -> None:
        """One worker forked ahead of need: it keeps only its socket and waits for its role
        (forking is what costs; the answer's module runs only once the role is known)."""
        sys.stdout.flush()
        sys.stderr.flush()
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            ours.close()
            self._become_worker(theirs)
        theirs.close()
        self.pool.append((pid, ours))

    def fork(self, specs) -> None:
        if type(specs) is not list or not 0 < len(specs) <= 32:
            raise ProtocolError("a malformed fork request")
        idents, socks = [], []
        try:
            for spec in specs:
                if type(spec) is not dict or spec.get("role") not in ROLES:
                    raise ProtocolError("a worker of an unknown role")
                while True:
                    if not self.pool:
                        self._prefork()
                    pid, sock = self.pool.popleft()
                    try:
                        Channel(sock).send({"assign": spec})
                        break
                    except OSError:          # it was killed while it waited: take another
                        sock.close()
                        self._signal(pid)
                ident = self.next_id
                self.next_id += 1
                self.workers[ident] = (pid, spec["role"])
                self.ids[pid] = ident
                idents.append(ident)
                socks.append(sock)
            self.channel.send({"forked": idents}, fds=[s.fileno() for s in socks])
        finally:
            for sock in socks:
                sock.close()

    def _become_worker(self, sock: socket.socket) -> None:
        """In the forked child: keep only its own socket, wait for its role, then serve;
        never return."""
        code = 0
        try:
            os.setpgid(0, 0)
            fd = sock.fileno()
            os.closerange(3, fd)
            os.closerange(fd + 1, max(fd + 2, os.sysconf("SC_OPEN_MAX")))
            devnull = os.open(os.devnull, os.O_RDWR)
            for std in (0, 1, 2):
                os.dup2(devnull, std)
            os.close(devnull)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            channel = Channel(sock)
            spec = channel.recv().get("assign")
            if type(spec) is not dict:
                return
            pid, state = spec.get("pid", 0), spec.get("state")
            worker = Worker(channel, self.module_name, self.module_file, self.code, role=spec["role"],
                            pid=pid if type(pid) is int else 0, globals_mode=spec.get("globals"),
                            method=spec.get("method"))
            if state:
                channel.send(start_copy(worker, base64.b64decode(state)))
            worker.serve()
        except BaseException:  # noqa: BLE001 - a worker ends, the host goes on
            code = 1
        finally:
            os._exit(code)

    def kill(self, ident) -> None:
        found = self.workers.pop(ident, None) if type(ident) is int else None
        if found is None:
            return                   # never was, or already reaped: its pid may be another's now
        pid, role = found
        self.ids.pop(pid, None)
        if role == "controlled":
            self._signal(pid)        # reaped later (reap): no waiting here
        else:
            try:
                kill_tree([pid])     # a real run's resource tracker is spared until it has cleaned up
            except (ProcessLookupError, PermissionError):
                pass

    @staticmethod
    def _signal(pid: int) -> None:
        """SIGKILL a child's process group (the child is not reaped yet, so the id is its own)."""
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def reap(self) -> None:
        """Collect every child that has ended (workers, and orphans adopted as a subreaper)."""
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            ident = self.ids.pop(pid, None)
            if ident is not None:
                self.workers.pop(ident, None)
            for entry in [e for e in self.pool if e[0] == pid]:
                self.pool.remove(entry)
                entry[1].close()

    def kill_everything(self) -> None:
        self.workers.clear()
        kill_tree(include_my_children=True)
        self.reap()
        for _, sock in self.pool:
            sock.close()
        self.channel.close()

"""Running one job (a notebook, an exercise's checks, quiz answers) and taking its verdict.

The grader writes a request to the job's standard input (a fresh key, the limits, the work)
and reads the job's signed reply from a pipe; the job's own output goes to a capped log.
A job that runs past its deadline is killed: in a sandbox, killing bubblewrap takes the
whole PID namespace with it; without one, its process tree is frozen and killed.
"""
from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.deadlines import Deadline
from autograder.processes import kill_tree
from . import bwrap
from .channel import ForgedReply, verify
from .limits import Limits, describe_signal
from .memory_watch import MemoryWatch
from .settings import Sandbox

MAX_LOG_CHARS = 20_000


@dataclass
class JobResult:
    reply: dict | None            # the verified payload, or None
    problem: str | None = None    # why there is no reply, in words for a student
    log: str = ""                 # the tail of the job's own output (for instructors)
    returncode: int | None = None
    elapsed: float = 0.0
    limits: Limits = field(default_factory=Limits)


def entry_argv(reply_fd: int) -> list[str]:
    return [sys.executable, "-s", "-m", "autograder.sandbox.inside", "--reply-fd", str(reply_fd)]


def code_environment() -> dict[str, str]:
    """What makes a job (and the kernels it starts) import this very copy of the project's
    code, whatever is installed: its folder first on sys.path, not the working directory."""
    return {"PYTHONPATH": str(bwrap.AUTOGRADER_DIR.parent), "PYTHONSAFEPATH": "1"}


def run_job(kind: str, payload: dict, *, sandbox: Sandbox | None, deadline: float,
            ro_binds: list[tuple[Path, str]] = (), env: dict[str, str | None] | None = None,
            max_reply_bytes: int = 64 * 1024 * 1024) -> JobResult:
    """Run a job of ``kind`` (see inside.py) confined by ``sandbox`` (None: unconfined, for a
    student's own machine) and return its verified reply or the reason there is none.
    ``deadline`` is in seconds of machine share (autograder.deadlines)."""
    key = secrets.token_bytes(32)
    limits = sandbox.limits() if sandbox is not None else None
    request = {"kind": kind, "key": key.hex(), "payload": payload,
               "limits": limits.to_dict() if limits else None,
               "uid": sandbox.job_uid() if sandbox is not None else None}
    read_fd, write_fd = os.pipe()
    argv = entry_argv(write_fd)
    env = {**code_environment(), **(env or {})}
    if sandbox is not None:
        argv = bwrap.command(argv, ro_binds=list(ro_binds), env=env,
                             tmp_size=sandbox.tmp_size, shm_size=sandbox.shm_size)
        popen_env = None
    else:
        popen_env = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    started = time.monotonic()
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, pass_fds=(write_fd,), env=popen_env,
                                start_new_session=True)
    finally:
        os.close(write_fd)
    log = _LogTail(proc.stdout)
    # The job's memory as a whole (its rlimits are per process): killing bwrap ends its PID namespace.
    watch = MemoryWatch(proc.pid, limits.job_memory, proc.kill) if sandbox is not None else None
    try:
        try:
            proc.stdin.write(json.dumps(request).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        clock = Deadline(deadline)
        data, timed_out = _read_until(read_fd, clock, max_reply_bytes)
        while not timed_out and proc.poll() is None:
            if clock.expired():
                timed_out = True
            else:
                time.sleep(clock.wait_step(0.05))
    finally:
        if watch is not None:
            watch.stop()
        os.close(read_fd)
        _stop(proc, sandboxed=sandbox is not None)
        log.join()
    result = JobResult(None, log=log.text(), returncode=proc.returncode,
                       elapsed=time.monotonic() - started, limits=limits or Limits())
    if watch is not None and watch.exceeded:
        result.problem = result.limits.job_memory_exceeded()
        return result
    if timed_out:
        result.problem = (f"did not finish within {deadline:.0f} s: the code probably deadlocks, "
                          f"waits forever, or loops endlessly")
        return result
    if data is None:
        result.problem = "its reply was larger than the grader accepts (does the code flood its output?)"
        return result
    if not data:
        result.problem = (describe_signal(proc.returncode, result.limits) or
                          f"the process ended without a verdict (exit code {proc.returncode})"
                          + _last_line(result.log))
        return result
    try:
        result.reply = verify(key, data)
    except ForgedReply as exc:
        result.problem = f"its reply was rejected: {exc} (the verdict was not written by the grader)"
    except ValueError as exc:
        result.problem = f"its reply could not be read: {exc}"
    return result


@dataclass
class WorkerHost:
    """A running worker host (autograder.worker.host): ``control`` is the judge's end of its
    socket; :meth:`stop` ends it and everything it started."""
    proc: subprocess.Popen
    control: socket.socket
    sandboxed: bool
    limits: Limits
    log: "_LogTail"

    def stop(self, folder=None) -> None:
        """End the host and all it started. ``folder`` is the one the host said (in its hello)
        it keeps its answer and its workers' temp folders in: the host removes it as it ends,
        but the kill here may come first, so it is removed here too, once everything is dead
        (unless sandboxed: it was in the sandbox's private /tmp). Only an ``answer-*`` folder
        right in our temp folder is removed (the name came from the host)."""
        try:
            self.control.close()
        except OSError:
            pass
        _stop(self.proc, sandboxed=self.sandboxed)
        self.log.join()
        if not self.sandboxed and type(folder) is str and os.path.basename(folder).startswith("answer-") \
                and os.path.dirname(folder) == tempfile.gettempdir():
            shutil.rmtree(folder, ignore_errors=True)

    def log_tail(self) -> str:
        return self.log.text()


def start_worker_host(exercise_id: str, module_source: str, *, sandbox: Sandbox | None) -> WorkerHost:
    """Start the worker host of one suite for the answer ``module_source``, confined by
    ``sandbox`` (None: unconfined, for a student's own machine), and return at once: the
    judge talks to it over ``control`` (autograder.judge.HostLink)."""
    ours, theirs = socket.socketpair()
    limits = sandbox.limits() if sandbox is not None else None
    request = {"kind": "workers", "payload": {"exercise": exercise_id, "source": module_source},
               "limits": limits.to_dict() if limits else None,
               "uid": sandbox.job_uid() if sandbox is not None else None}
    argv = [sys.executable, "-s", "-m", "autograder.sandbox.inside", "--control-fd", str(theirs.fileno())]
    env = code_environment()
    if sandbox is not None:
        argv = bwrap.command(argv, ro_binds=[], env=env, tmp_size=sandbox.tmp_size, shm_size=sandbox.shm_size)
        popen_env = None
    else:
        popen_env = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                pass_fds=(theirs.fileno(),), env=popen_env, start_new_session=True)
    finally:
        theirs.close()
    log = _LogTail(proc.stdout)
    try:
        proc.stdin.write(json.dumps(request).encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    return WorkerHost(proc, ours, sandbox is not None, limits or Limits(), log)


def _last_line(log: str) -> str:
    lines = [line for line in log.strip().splitlines() if line.strip()]
    return f": {lines[-1][-300:]}" if lines else ""


def _read_until(fd: int, clock: Deadline, limit: int) -> tuple[bytes | None, bool]:
    """Everything written to ``fd`` until EOF, or (data, True) at the deadline; None if over ``limit``."""
    chunks, size = [], 0
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while True:
            if clock.expired():
                return b"".join(chunks), True
            if not sel.select(timeout=clock.wait_step(1.0)):
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks), False
            size += len(chunk)
            if size > limit:
                return None, False
            chunks.append(chunk)


def _stop(proc: subprocess.Popen, *, sandboxed: bool) -> None:
    if sandboxed:
        # bwrap's child is the PID namespace's init: when bwrap dies (--die-with-parent), the
        # kernel kills every process in the namespace, but in its own time. Killing the tree
        # first (they are all bwrap's descendants) makes them gone when this returns.
        if proc.poll() is None:
            kill_tree([proc])
    else:
        kill_tree([proc])
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_tree([proc])
        proc.wait(timeout=30)


class _LogTail:
    """Reads a stream to its end in a thread and keeps only its last characters."""

    def __init__(self, stream):
        self._chunks: list[bytes] = []
        self._size = 0
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:
        for chunk in iter(lambda: stream.read1(1 << 16), b""):
            self._chunks.append(chunk)
            self._size += len(chunk)
            while self._size > 4 * MAX_LOG_CHARS and len(self._chunks) > 1:
                self._size -= len(self._chunks.pop(0))
        stream.close()

    def join(self) -> None:
        self._thread.join(timeout=30)

    def text(self) -> str:
        return b"".join(self._chunks).decode(errors="replace")[-MAX_LOG_CHARS:]

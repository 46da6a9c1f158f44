"""Running nbgrader commands for a course folder, each in its own process with a deadline."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from autograder.deadlines import Deadline
from autograder.environment import JOB_MARKER
from autograder.processes import kill_tree, reap

from . import nbgrader_forkserver
from .settings import Grading

#: an nbgrader command that runs no student code (generate, feedback, export): c.Grading.command_deadline
COMMAND_DEADLINE = Grading.class_traits()["command_deadline"].default_value


@dataclass
class CommandResult:
    returncode: int | None      # None: stopped at the deadline
    log: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def last_error(self) -> str:
        """The most telling line of nbgrader's log, for a one-line reason."""
        lines = [line.strip() for line in self.log.splitlines() if line.strip()]
        for line in reversed(lines):
            if "Error" in line or "ERROR" in line or "error" in line:
                return line[-300:]
        return lines[-1][-300:] if lines else "no output"


def environment() -> dict:
    """nbgrader creates a gradebook by running `alembic`, which must be on PATH."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def nbgrader(course: Path, *args: str, deadline: float = COMMAND_DEADLINE, log_path: Path | None = None) -> CommandResult:
    """Run ``nbgrader ARGS`` in ``course``; everything it started is killed when it ends.
    ``deadline`` is in seconds of machine share (autograder.deadlines).

    Its output goes to ``log_path`` (kept), or to a temporary file (deleted)."""
    if log_path is None:
        with tempfile.TemporaryDirectory(prefix="nbgrader-") as tmp:
            return nbgrader(course, *args, deadline=deadline, log_path=Path(tmp) / "log.txt")
    job = uuid.uuid4().hex
    env = {**environment(), JOB_MARKER: job}
    with open(log_path, "w") as log:
        proc = _start(list(args), course, env, log, log_path)
        clock = Deadline(deadline)
        try:
            returncode = None
            while not clock.expired():
                try:
                    returncode = proc.wait(timeout=clock.wait_step())
                    break
                except subprocess.TimeoutExpired:
                    continue
        finally:
            # The process tree, and orphans of this run that we adopted as subreaper (setsid
            # children of kernels run without the sandbox): never another run's processes.
            killed = kill_tree([proc], adopted=(JOB_MARKER, job))
            proc.wait(timeout=10)
            reap(killed)
    return CommandResult(returncode, log_path.read_text(errors="replace"))


def _start(args: list[str], course: Path, env: dict, log, log_path: Path):
    """``python -m nbgrader ARGS``: forked from the grading run's forkserver when there is
    one (nbgrader_forkserver.py: no second of imports), else a process of its own."""
    server = nbgrader_forkserver.current()
    if server is not None:
        try:
            return server.popen(args, cwd=course, env=env, log=log_path)
        except nbgrader_forkserver.ForkserverUnavailable:
            pass
    return subprocess.Popen([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)

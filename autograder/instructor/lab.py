"""`make lab`: JupyterLab at release/ (`make instructor-lab`: at the course folder), nbgrader's
extensions on, the course configured."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .nbgrader_cli import environment



def lab_command(port: int, root: Path, token: str | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={root}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--ServerApp.allow_root=True")   # containers and CI machines run as root
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    return cmd


def lab_environment() -> dict:
    """The environment JupyterLab and its kernels run in.

    Grading runs with MPLBACKEND=Agg (the Makefile exports it); in the lab that would stop
    figures from showing in the notebook, so the kernels keep Jupyter's inline backend."""
    env = environment()
    env.pop("MPLBACKEND", None)
    return env


def lab_root(course: Path, *, instructor: bool = False) -> Path:
    """Where the lab opens: release/ for students (source/, with its solutions and hidden
    tests, and solutions/ stay out of sight and out of reach), the course folder for an
    instructor."""
    course = Path(course).resolve()
    return course if instructor else course / "release"


def run_lab(course: Path, port: int, *, instructor: bool = False) -> int:
    root = lab_root(course, instructor=instructor)
    print(f"Starting JupyterLab at {root} on port {port} (Ctrl-C to stop).")
    print("Open the URL with the token that Jupyter prints below. " + (
        "The Formgrader is under the Nbgrader menu." if instructor else
        "Start with 01-processes; docs/students.md says how to work through the course."), flush=True)
    # nbgrader_config.py in the working directory is how nbgrader finds the course.
    return subprocess.call(lab_command(port, root), cwd=course, env=lab_environment())

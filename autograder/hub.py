"""`make hub`: JupyterHub for one class on this machine (deploy/jupyterhub_config.py), on loopback.

This module only prepares the environment the config file reads (ports, folders, the
password) and starts ``jupyterhub``; what the hub does is all in the config file.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from .nbgrader_cli import environment

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
CONFIG = DEPLOY / "jupyterhub_config.py"
CLASS = DEPLOY / "class.json"
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"


def free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


@dataclass
class HubSettings:
    """Everything that differs between two hubs on one machine."""
    state: Path                 # the hub's database, users' homes, the exchange
    course: Path                # the instructor's course folder
    password: str
    port: int = 8000
    ip: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}/"

    def environment(self) -> dict:
        """The process environment for ``jupyterhub -f deploy/jupyterhub_config.py``.

        The hub's own internal ports are picked free, so two hubs (or a hub and a test) can
        share a machine."""
        if len(self.password) < 8:
            raise ValueError(f"the hub password has {len(self.password)} characters; JupyterHub's "
                             "shared-password login needs at least 8 (set COURSE_HUB_PASSWORD)")
        env = environment()         # .venv/bin on PATH: nbgrader runs alembic from there
        env.update({
            "COURSE_HUB_STATE": str(self.state), "COURSE_HUB_COURSE": str(self.course),
            "COURSE_HUB_PASSWORD": self.password,
            "COURSE_HUB_IP": self.ip, "COURSE_HUB_PORT": str(self.port),
            "COURSE_HUB_API_PORT": str(free_port()), "COURSE_HUB_PROXY_API_PORT": str(free_port()),
            "COURSE_HUB_GRADER_PORT": str(free_port()),
        })
        return env


def hub_command() -> list[str]:
    return [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)]


def class_list() -> tuple[list[str], list[str]]:
    """(instructors, students) of deploy/class.json, which the config file reads too."""
    data = json.loads(CLASS.read_text())
    return data["instructors"], data["students"]


def saved_password(state: Path) -> str:
    """The hub's password: kept in the state folder, made up on first start."""
    path = state / "password.txt"
    if not path.exists():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(9) + "\n")
    return path.read_text().strip()


def run_hub(port: int, state: Path, course: Path) -> int:
    """The command line's `hub`: print how to log in, then become jupyterhub."""
    course, state = course.resolve(), state.resolve()
    problem = None
    if not PROXY.exists():
        problem = f"{PROXY} is missing: run `make hub` (it runs `npm ci --prefix deploy`; needs Node.js and npm)"
    elif not (course / "nbgrader_config.py").is_file():
        problem = f"{course} has no nbgrader_config.py: --course must be a course folder laid out like {REPO}"
    if problem is None:
        state.mkdir(parents=True, exist_ok=True)
        given = os.environ.get("COURSE_HUB_PASSWORD")
        settings = HubSettings(state=state, course=course, password=given or saved_password(state), port=port)
        try:
            env = settings.environment()
        except ValueError as exc:
            problem = str(exc)
    if problem:
        print(f"make hub: {problem}", file=sys.stderr)
        return 1
    instructors, students = class_list()
    print(f"JupyterHub for the course at {settings.url} (Ctrl-C stops it and every user's server).")
    print(f"  instructors: {', '.join(instructors)}   students: {', '.join(students)}")
    kept = "from COURSE_HUB_PASSWORD" if given else f"kept in {state / 'password.txt'}"
    print(f"  password (everyone): {settings.password}   ({kept})")
    print(f"  course folder: {course}   hub state: {state}", flush=True)
    # Become jupyterhub, so that a signal to this process (Ctrl-C, a service manager's
    # SIGTERM) reaches the hub, which then stops the proxy and every server it started.
    os.chdir(state)
    os.execve(sys.executable, hub_command(), env)

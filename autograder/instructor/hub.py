"""`make hub`: JupyterHub for one class on this machine (deploy/jupyterhub_config.py), on loopback.

This module works out what differs between two hubs (folders, ports, the password, the
grading server's token), starts the course's grading server and ``jupyterhub``, and stops
both together. What the hub does is all in the config file.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from autograder.deadlines import Deadline

from . import PROJECT
from .lab import lab_environment
from .nbgrader_cli import environment
from .roster import Student, add_students, read as read_roster
from .settings import course_config

DEPLOY = PROJECT / "deploy"
CONFIG = DEPLOY / "jupyterhub_config.py"
CLASS = DEPLOY / "class.json"
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
STOP_DEADLINE = 120.0           # seconds the hub gets to stop every server it started
API_DEADLINE = 300.0            # seconds (of machine share) the hub's API may take to answer at start


def free_port(ip: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def class_list() -> tuple[list[str], list[str]]:
    """(instructors, students) of deploy/class.json, which the config file reads too: user names."""
    data = json.loads(CLASS.read_text())
    return data["instructors"], [s["id"] if isinstance(s, dict) else s for s in data["students"]]


def class_roster() -> list[Student]:
    """The students of deploy/class.json with their names (an entry is a user name, or
    ``{"id", "first_name", "last_name", "email"}``)."""
    return [Student(s["id"], s.get("first_name"), s.get("last_name"), s.get("email")) if isinstance(s, dict)
            else Student(s) for s in json.loads(CLASS.read_text())["students"]]


def enrol_class(db_url: str) -> list[str]:
    """Put the class's students on the course's roster (the gradebook), so the formgrader's
    *Manage Students* shows their names; a student already there keeps the names given there.
    Returns the ids added or named."""
    known = read_roster(db_url).students
    new = [s for s in class_roster() if s.id not in known or (s.first_name or s.last_name) and
           not (known[s.id].first_name or known[s.id].last_name)]
    add_students(db_url, new)
    return [s.id for s in new]


@dataclass
class HubSettings:
    """Everything that differs between two hubs on one machine. The hub's internal ports are
    picked free, so two hubs (or a hub and a test) can share a machine."""
    state: Path                 # the hub's database, users' homes, the exchange
    course: Path                # the instructor's course folder (nbgrader_config.py, source/ ...)
    password: str
    port: int = 8000
    ip: str = "127.0.0.1"
    api_port: int = field(default_factory=free_port)
    proxy_api_port: int = field(default_factory=free_port)
    grader_port: int = field(default_factory=free_port)
    grader_token: str = field(default_factory=lambda: secrets.token_hex(32))

    def __post_init__(self):
        if not (self.course / "nbgrader_config.py").is_file():
            raise ValueError(f"{self.course} has no nbgrader_config.py: the course folder must be laid "
                             "out like this project's folder (nbgrader_config.py, source/)")
        if len(self.password) < 8:
            raise ValueError(f"the hub password has {len(self.password)} characters; JupyterHub's "
                             "shared-password login needs at least 8 (set COURSE_HUB_PASSWORD)")
        self.course_id = course_config(self.course).CourseDirectory.course_id

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}/"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}/hub/api"

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"

    @property
    def homes(self) -> Path:
        return self.state / "home"

    def prepare(self) -> None:
        """The hub's folders; nbgrader's exchange must be writable by everyone who releases
        or submits (nbgrader checks)."""
        for folder in (self.state, self.homes, self.homes / f"grader-{self.course_id}", self.exchange):
            folder.mkdir(parents=True, exist_ok=True)
        self.exchange.chmod(0o777)

    def hub_environment(self) -> dict:
        """For ``jupyterhub -f deploy/jupyterhub_config.py`` (the variables it reads)."""
        return {**own(environment()),       # .venv/bin on PATH: nbgrader runs alembic from there
                "COURSE_HUB_STATE": str(self.state), "COURSE_HUB_HOMES": str(self.homes),
                "COURSE_EXCHANGE": str(self.exchange), "COURSE_ID": self.course_id,
                "COURSE_HUB_PASSWORD": self.password,
                "COURSE_HUB_IP": self.ip, "COURSE_HUB_PORT": str(self.port),
                "COURSE_HUB_API_PORT": str(self.api_port), "COURSE_HUB_PROXY_API_PORT": str(self.proxy_api_port),
                "COURSE_HUB_GRADER_URL": f"http://127.0.0.1:{self.grader_port}",
                "COURSE_HUB_GRADER_TOKEN": self.grader_token}

    def grader_environment(self) -> dict:
        """For the grading server: JupyterHub's variables for a service (the same a managed
        service gets), nbgrader's exchange, and the lab's environment (with the grading
        settings: COURSE_GRADEBOOK_URL for a gradebook server, the timeouts)."""
        prefix = f"/services/{self.course_id}/"
        return {**own(lab_environment()), "HOME": str(self.homes / f"grader-{self.course_id}"),
                "JUPYTER_CONFIG_PATH": str(DEPLOY / "jupyter" / "grader"), "JUPYTER_PLATFORM_DIRS": "1",
                "COURSE_EXCHANGE": str(self.exchange),
                "JUPYTERHUB_SERVICE_NAME": self.course_id, "JUPYTERHUB_API_TOKEN": self.grader_token,
                "JUPYTERHUB_API_URL": self.api_url, "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{self.grader_port}",
                "JUPYTERHUB_SERVICE_PREFIX": prefix, "JUPYTERHUB_CLIENT_ID": f"service-{self.course_id}",
                "JUPYTERHUB_OAUTH_CALLBACK_URL": prefix + "oauth_callback", "JUPYTERHUB_DEFAULT_URL": "/lab"}


def own(env: dict) -> dict:
    """``env`` without JupyterHub's variables of a hub this command may itself run under."""
    return {k: v for k, v in env.items() if not k.startswith("JUPYTERHUB_")}


def hub_command() -> list[str]:
    return [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)]


def grader_command() -> list[str]:
    return [sys.executable, "-m", "jupyterhub.singleuser"] + (
        ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else [])


def saved_password(state: Path) -> str:
    """The hub's password: kept in the state folder, made up on first start."""
    path = state / "password.txt"
    if not path.exists():
        state.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(9) + "\n")
    return path.read_text().strip()


def stop(proc: subprocess.Popen, deadline: float = STOP_DEADLINE) -> None:
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=deadline)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


class HubDidNotStart(RuntimeError):
    """The hub exited, or its API did not answer in time, before the grading server could start."""


def wait_for_api(hub: subprocess.Popen, url: str, deadline: float = API_DEADLINE) -> None:
    """Until the hub's API answers (the grading server asks it who it is as it starts, and
    would print a traceback for each refused try)."""
    clock = Deadline(deadline)
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10):
                return
        except (urllib.error.URLError, OSError):
            pass
        if hub.poll() is not None:
            raise HubDidNotStart(f"the hub exited ({hub.returncode}) before its API answered; see its log above")
        if clock.expired():
            raise HubDidNotStart(f"the hub's API ({url}) did not answer within {deadline:.0f} s")
        time.sleep(clock.wait_step(0.3))


def serve(settings: HubSettings) -> int:
    """Run the hub and, once its API answers, the grading server, until the hub stops; then
    stop the grading server. The hub stops its proxy and every user's server itself."""
    settings.prepare()
    hub = subprocess.Popen(hub_command(), cwd=settings.state, env=settings.hub_environment(),
                           stdin=subprocess.DEVNULL)
    grader = None
    try:
        wait_for_api(hub, settings.api_url)
        grader = subprocess.Popen(grader_command(), cwd=settings.course, env=settings.grader_environment(),
                                  stdin=subprocess.DEVNULL)
        # Ctrl-C reaches the whole process group, so the hub and the grading server stop by
        # themselves; a SIGTERM to this process (a service manager, a test) goes to the hub.
        # (Set only now: children would inherit an ignored SIGINT.)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: hub.terminate())
        return hub.wait()
    finally:
        try:
            stop(hub)
        finally:
            if grader is not None:
                stop(grader)


def run_hub(port: int, state: Path, course: Path) -> int:
    """The command line's `hub`: check the settings, say how to log in, serve."""
    state = state.resolve()
    if not PROXY.exists():
        print(f"make hub: {PROXY} is missing: run `make hub` (it runs `npm ci --prefix deploy`; "
              "needs Node.js and npm)", file=sys.stderr)
        return 1
    given = os.environ.get("COURSE_HUB_PASSWORD")
    try:
        settings = HubSettings(state=state, course=course.resolve(), port=port,
                               password=given or saved_password(state))
    except ValueError as exc:
        print(f"make hub: {exc}", file=sys.stderr)
        return 1
    instructors, students = class_list()
    enrol_class(course_config(settings.course).CourseDirectory.db_url)
    print(f"JupyterHub for the course at {settings.url} (Ctrl-C stops it and every user's server).")
    print(f"  instructors: {', '.join(instructors)}   students: {', '.join(students)}")
    kept = "from COURSE_HUB_PASSWORD" if given else f"kept in {state / 'password.txt'}"
    print(f"  password (everyone): {settings.password}   ({kept})")
    print(f"  course folder: {settings.course}   hub state: {state}", flush=True)
    try:
        return serve(settings)
    except HubDidNotStart as exc:
        print(f"make hub: {exc}", file=sys.stderr)
        return 1

"""A real JupyterHub for tests, started as `make hub` starts it (python -m autograder hub),
and its users.

Users log in with the hub's password as they would in a browser, then use an API token of
their own: every request below is made as that user, through the hub's proxy.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests

from autograder.instructor.hub import free_port
from autograder.instructor.settings import course_config
from tests.testkit import REPO, survivors

REQUEST_TIMEOUT = 300           # a guard against a hung request, not a speed requirement


class Hub:
    """`python -m autograder hub` on a course folder, its state in ``root``."""

    def __init__(self, root: Path, course: Path, password: str, marker: str, extra_env: dict):
        self.root, self.course, self.password, self.marker = root, course, password, marker
        self.state = root / "state"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.course_id = course_config(course).CourseDirectory.course_id
        key, value = marker.split("=", 1)
        self.env = {**os.environ, **extra_env, key: value, "COURSE_HUB_PASSWORD": password}
        self.log_path = root / "hub.log"
        self.proc: subprocess.Popen | None = None

    def start(self, deadline: float = 300.0) -> "Hub":
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "autograder", "hub", "--port", str(self.port),
                 "--state", str(self.state), "--course", str(self.course)],
                cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        # Up when the hub answers and the proxy reaches the grading server (Jupyter's /api
        # needs no login).
        until = time.monotonic() + deadline
        for url in (f"{self.url}/hub/health", f"{self.url}/services/{self.course_id}/api"):
            while True:
                try:
                    if requests.get(url, timeout=10, allow_redirects=False).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if self.proc.poll() is not None:
                    raise RuntimeError(f"make hub exited ({self.proc.returncode}):\n{self.log()[-3000:]}")
                if time.monotonic() > until:
                    raise RuntimeError(f"{url} did not answer within {deadline:.0f} s:\n{self.log()[-3000:]}")
                time.sleep(0.5)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, deadline: float = 300.0) -> None:
        """SIGTERM, as a service manager would: the hub stops its proxy and every user's
        server, then the grading server is stopped."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
            raise RuntimeError(f"make hub ignored SIGTERM for {deadline:.0f} s and was killed")

    def leftovers(self) -> list[psutil.Process]:
        """Processes of this hub still alive: the launcher, the hub and the proxy carry the
        test's marker; every server and kernel works somewhere in the test's folder."""
        found = {int(line.split(":", 1)[0]) for line in survivors(self.marker)}
        for p in psutil.process_iter(["pid", "cwd"]):
            try:
                if p.info["cwd"] and Path(p.info["cwd"]).is_relative_to(self.root) and p.pid != os.getpid() \
                        and p.status() != psutil.STATUS_ZOMBIE:
                    found.add(p.pid)
            except psutil.Error:
                pass
        return [psutil.Process(pid) for pid in sorted(found) if psutil.pid_exists(pid)]

    def kill_leftovers(self) -> None:
        """After a failed stop: nothing of this hub may outlive the tests."""
        for p in self.leftovers():
            try:
                p.kill()
            except psutil.Error:
                pass


class HubUser:
    """One person on the hub."""

    def __init__(self, hub: Hub, name: str, password: str):
        self.hub, self.name = hub, name
        session = requests.Session()
        session.get(f"{hub.url}/hub/login", timeout=REQUEST_TIMEOUT).raise_for_status()
        r = session.post(f"{hub.url}/hub/login", allow_redirects=False, timeout=REQUEST_TIMEOUT,
                         data={"username": name, "password": password, "_xsrf": session.cookies.get("_xsrf")})
        if r.status_code != 302:
            raise RuntimeError(f"{name} could not log in: HTTP {r.status_code}")
        r = session.post(f"{hub.url}/hub/api/users/{name}/tokens", timeout=REQUEST_TIMEOUT,
                         json={"note": "course tests", "expires_in": 4 * 3600},
                         headers={"X-XSRFToken": session.cookies.get("_xsrf")})
        r.raise_for_status()
        self.headers = {"Authorization": f"token {r.json()['token']}"}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.hub.url + path, headers=self.headers,
                                timeout=REQUEST_TIMEOUT, **kwargs)

    def json(self, method: str, path: str, **kwargs):
        r = self.request(method, path, **kwargs)
        assert r.status_code == 200, f"{method} {path} as {self.name}: HTTP {r.status_code} {r.text[:500]}"
        return r.json()

    def start_server(self, deadline: float = 300.0) -> None:
        r = self.request("POST", f"/hub/api/users/{self.name}/server")
        assert r.status_code in (201, 202), f"{self.name}'s server: HTTP {r.status_code} {r.text[:300]}"
        until = time.monotonic() + deadline
        while not (self.json("GET", f"/hub/api/users/{self.name}").get("servers", {}).get("", {}).get("ready")):
            assert time.monotonic() < until, f"{self.name}'s server was not ready within {deadline:.0f} s"
            time.sleep(0.5)

    # The user's own server, and the nbgrader extensions in it.
    def server(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.request(method, f"/user/{self.name}/{path}", **kwargs)

    def assignments(self, action: str | None = None, **form):
        path = f"/user/{self.name}/assignments" + (f"/{action}" if action else "")
        if action is None:
            return self.json("GET", path, params=form)
        return self.json("POST", path, data=form)

    def read_notebook(self, path: str) -> dict:
        return self.json("GET", f"/user/{self.name}/api/contents/{path}")["content"]

    def write_notebook(self, path: str, nb: dict) -> None:
        self.json("PUT", f"/user/{self.name}/api/contents/{path}",
                  json={"type": "notebook", "format": "json", "content": nb})

    def read_text(self, path: str) -> str:
        return self.json("GET", f"/user/{self.name}/api/contents/{path}",
                         params={"type": "file", "format": "text"})["content"]

    # The course's grading server (a hub service named after the course).
    def formgrader(self, method: str, path: str, **kwargs):
        return self.json(method, f"/services/{self.hub.course_id}/formgrader/api/{path}", **kwargs)

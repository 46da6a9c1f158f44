"""A real JupyterHub for tests (deploy/jupyterhub_config.py via autograder.hub), and its users.

Users log in with the hub's password as they would in a browser, then use an API token of
their own: every request below is made as that user, through the hub's proxy.
"""
from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import psutil
import requests

from autograder.hub import HubSettings, hub_command
from autograder.nbgrader_cli import course_config
from testkit import survivors

REQUEST_TIMEOUT = 300           # a guard against a hung request, not a speed requirement


class Hub:
    """``jupyterhub -f deploy/jupyterhub_config.py`` for one test module."""

    def __init__(self, settings: HubSettings, log: Path, extra_env: dict):
        self.settings = settings
        self.env = {**settings.environment(), **extra_env}
        self.url = settings.url.rstrip("/")
        self.api_url = f"http://127.0.0.1:{self.env['COURSE_HUB_API_PORT']}/hub/api"
        self.course_id = course_config(settings.course).CourseDirectory.course_id
        self.log_path = log
        self.proc: subprocess.Popen | None = None

    def start(self, deadline: float = 240.0) -> "Hub":
        self.settings.state.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(hub_command(), cwd=self.settings.state, env=self.env,
                                         stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        until = time.monotonic() + deadline
        while True:
            try:
                if requests.get(f"{self.url}/hub/health", timeout=10).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited ({self.proc.returncode}):\n{self.log()[-3000:]}")
            if time.monotonic() > until:
                raise RuntimeError(f"jupyterhub did not answer within {deadline:.0f} s:\n{self.log()[-3000:]}")
            time.sleep(0.5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, deadline: float = 120.0) -> None:
        """SIGTERM, as a service manager would: the hub then stops the proxy and every server."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            for p in psutil.Process(self.proc.pid).children(recursive=True):
                p.kill()
            self.proc.kill()
            self.proc.wait(timeout=30)
            raise RuntimeError(f"jupyterhub ignored SIGTERM for {deadline:.0f} s and was killed")

    def leftovers(self, marker: str) -> list[str]:
        """Processes of this hub still alive: the proxy carries the test's marker; the users'
        servers, the grading server and their kernels carry this hub's API URL."""
        return survivors(marker) + survivors(f"JUPYTERHUB_API_URL={self.api_url}")


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

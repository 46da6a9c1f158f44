"""`make lab`: JupyterLab starts at release/ with nbgrader's extensions and answers on loopback;
students see the lessons, not source/ (solutions, hidden tests) or solutions/."""
import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request

from autograder.instructor.lab import lab_command, lab_root
from autograder.instructor.nbgrader_cli import environment
from tests.testkit import REPO

TOKEN = "course-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read().decode()


def test_lab_serves_with_nbgrader_extensions(tmp_path):
    port = free_port()
    env = {**environment(), "JUPYTER_RUNTIME_DIR": str(tmp_path)}
    proc = subprocess.Popen(lab_command(port, lab_root(REPO), token=TOKEN), cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = get(f"{base}/api/status?token={TOKEN}")
                break
            except OSError:
                assert proc.poll() is None, "jupyter lab exited early"
                assert time.monotonic() < deadline, "jupyter lab did not answer within 90 s"
                time.sleep(0.5)
        assert status == 200 and "started" in json.loads(body)

        # The nbgrader server extension answers (formgrader), and the lab page loads
        # nbgrader's lab extension.
        status, _ = get(f"{base}/formgrader?token={TOKEN}")
        assert status == 200
        status, page = get(f"{base}/lab?token={TOKEN}")
        config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                      page, re.S).group(1))
        federated = {ext["name"] for ext in config.get("federated_extensions", [])}
        assert "@jupyter/nbgrader" in federated, federated

        # It opens at release/: the lessons, and no way up to source/ or solutions/.
        status, body = get(f"{base}/api/contents?token={TOKEN}")
        names = {item["name"] for item in json.loads(body)["content"]}
        assert names and all(name[:2].isdigit() for name in names), names
        for hidden in ("../source", "../solutions", "../source/02-locks/02-locks.ipynb"):
            try:
                status, _ = get(f"{base}/api/contents/{hidden}?token={TOKEN}")
            except urllib.error.HTTPError as exc:
                status = exc.code
            assert status in (403, 404), f"{hidden}: {status}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

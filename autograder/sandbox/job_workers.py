"""A worker host job (inside the sandbox when grading): autograder.worker.host until the judge
stops it. It answers the judge on its control socket; it has no reply to sign."""
from __future__ import annotations

from autograder.worker.host import serve


def run(payload: dict, control_fd: int) -> None:
    serve(control_fd, str(payload["exercise"]), str(payload["source"]))

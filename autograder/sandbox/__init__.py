"""Confinement for everything a submission runs: bubblewrap, resource limits, signed replies.

``run_job(kind, payload, sandbox=...)`` runs one job (a notebook, a suite of checks, quiz
answers) through ``python -m autograder.sandbox.inside`` and returns its verified reply.
``Sandbox`` holds the knobs (a traitlets Configurable; None means unconfined, as on a
student's own machine); ``bwrap`` builds the confinement; ``channel`` signs the verdict.
"""
from .bwrap import INSTALL_HINT, SandboxUnavailable, check_available
from .jobs import JobResult, WorkerHost, run_job, start_worker_host
from .limits import Limits
from .settings import Sandbox

__all__ = ["INSTALL_HINT", "JobResult", "Limits", "Sandbox", "SandboxUnavailable", "WorkerHost", "check_available",
           "run_job", "start_worker_host"]

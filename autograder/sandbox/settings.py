"""The sandbox's knobs, as a traitlets Configurable: set them in nbgrader_config.py
(``c.Sandbox.memory_limit = 2 * 1024**3``) or on a command line (``--Sandbox.enabled=False``)."""
from __future__ import annotations

import itertools
import os

from traitlets import Bool, Integer
from traitlets.config import Configurable

from .limits import GiB, MiB, Limits

_job_numbers = itertools.count()

#: jobs one process may start before its uids repeat (it never has that many at once)
JOBS_PER_PROCESS = 100


def job_uid_of(uid_base: int, pid: int, number: int) -> int:
    """The uid of job ``number`` of the process ``pid``. Every live process has its own pid,
    so no two jobs running at once share a uid, whichever processes started them: a uid's
    process limit counts its processes machine-wide. (It was ``pid % 10_000``, and with
    Linux's default pid_max of 32,768 two graders' pids 10,000 apart gave their jobs one uid,
    so one job's processes counted against the other's limit.) With pid_max at its ceiling,
    2**22, the largest uid is below 2**29."""
    return uid_base + pid * JOBS_PER_PROCESS + number % JOBS_PER_PROCESS


class Sandbox(Configurable):
    enabled = Bool(True, help=(
        "Run every notebook and every check in a bubblewrap sandbox. False grades without one "
        "(student code then runs as the grader's user, with its files and network); every run "
        "prints a warning.")).tag(config=True)
    memory_limit = Integer(4 * GiB, help=(
        "Bytes of address space per process of a job (at most job_memory).")).tag(config=True)
    job_memory = Integer(8 * GiB, help=(
        "Bytes of memory all the processes of one job may hold together (resident memory, "
        "measured by the grader every 0.1 s); past it the job is stopped. With several jobs side "
        "by side (c.Grading.jobs), keep jobs x job_memory below the machine's memory.")).tag(config=True)
    max_processes = Integer(64, help=(
        "Processes a job may have at once, threads included (the kernel counts both: a job that "
        "starts too many threads is told it hit this limit).")).tag(config=True)
    max_file_size = Integer(64 * MiB, help="Largest file a job may write, in bytes.").tag(config=True)
    cpu_time_limit = Integer(600, help="CPU seconds any one process of a job may use.").tag(config=True)
    tmp_size = Integer(1 * GiB, help="Size of the job's private /tmp (a tmpfs), in bytes.").tag(config=True)
    shm_size = Integer(512 * MiB, help="Size of the job's private /dev/shm, in bytes.").tag(config=True)
    uid_base = Integer(100_000, help=(
        "When grading as root, each job runs as its own uid from uid_base upwards (uid_base + "
        "the pid of the process that starts it x 100 + its job number there), so that the "
        "per-user process limit is per job. The uids need not exist in /etc/passwd, but none "
        "from uid_base to uid_base + 100 x pid_max (/proc/sys/kernel/pid_max) may belong to "
        "anyone else.")).tag(config=True)

    def limits(self) -> Limits:
        return Limits(memory=min(self.memory_limit, self.job_memory), processes=self.max_processes,
                      file_size=self.max_file_size, cpu_seconds=self.cpu_time_limit,
                      job_memory=self.job_memory)

    def job_uid(self) -> int | None:
        """A uid for the next job when grading as root (None otherwise: bwrap maps one)."""
        if os.geteuid() != 0:
            return None
        return job_uid_of(self.uid_base, os.getpid(), next(_job_numbers))

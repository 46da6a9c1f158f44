"""Resource limits for everything a submission runs, and what to tell a student who hits one.

The limits are POSIX rlimits, set by the sandbox's entry point (``inside.py``) before any
student code runs; every process the submission starts inherits them. They are per process,
so the job as a whole has one more: ``job_memory``, the memory all its processes may hold
together, which the grader enforces from outside (``memory_watch.py``). The number of
processes counts per user: the sandbox gives each job its own uid (or, run by a non-root
instructor, its own user namespace), so one submission's fork bomb cannot starve another's.
"""
from __future__ import annotations

import re
import resource
from dataclasses import asdict, dataclass

GiB = 1024 ** 3
MiB = 1024 ** 2


@dataclass(frozen=True)
class Limits:
    memory: int = 4 * GiB          # address space per process (RLIMIT_AS)
    processes: int = 64            # processes of the job's user (RLIMIT_NPROC)
    file_size: int = 64 * MiB      # largest file a process may write (RLIMIT_FSIZE)
    cpu_seconds: int = 600         # CPU time per process (RLIMIT_CPU): a spin cannot outlive it
    open_files: int = 1024         # RLIMIT_NOFILE
    job_memory: int = 8 * GiB      # resident memory of all the job's processes together (memory_watch.py)

    def apply(self) -> None:
        """Lower this process's limits (inherited by everything it starts). Never raises them."""
        for which, value in ((resource.RLIMIT_AS, self.memory), (resource.RLIMIT_NPROC, self.processes),
                             (resource.RLIMIT_FSIZE, self.file_size), (resource.RLIMIT_CPU, self.cpu_seconds),
                             (resource.RLIMIT_NOFILE, self.open_files), (resource.RLIMIT_CORE, 0)):
            soft, hard = resource.getrlimit(which)
            value = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (value, value))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Limits":
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})

    def job_memory_exceeded(self) -> str:
        return (f"your code's processes together used more than {_size(self.job_memory)} of memory, "
                f"the limit for a submission, and were stopped")

    def explain(self, error: str) -> str | None:
        """A sentence for a student whose code failed with ``error`` ("Type: message") because
        it hit one of these limits, or None if the error does not look like a limit."""
        if re.search(r"\bMemoryError\b", error):
            return (f"your code used more than {_size(self.memory)} of memory, the limit for one "
                    f"process of a submission")
        if re.search(r"\b(BlockingIOError|OSError)\b", error) and (
                "Resource temporarily unavailable" in error or "[Errno 11]" in error):
            return (f"your code tried to start more than {self.processes} processes at once, the "
                    f"limit for a submission")
        if "can't start new thread" in error:
            # RLIMIT_NPROC counts threads too; a thread's stack also needs address space
            return (f"your code tried to run more than {self.processes} processes and threads at once "
                    f"(or had no memory left for another thread's stack), the limit for a submission")
        if "[Errno 27]" in error or "File too large" in error:
            return f"your code wrote a file larger than {_size(self.file_size)}, the limit for a submission"
        if "[Errno 24]" in error or "Too many open files" in error:
            return f"your code opened more than {self.open_files} files at once"
        return None


def _size(n: int) -> str:
    return f"{n / GiB:g} GiB" if n >= GiB else f"{n / MiB:g} MiB"


def describe_signal(returncode: int | None, limits: Limits) -> str | None:
    """What a negative exit code (killed by a signal) means for a student, if it is a limit."""
    import signal

    if returncode == -signal.SIGXCPU:
        return f"a process used more than {limits.cpu_seconds} s of CPU time, the limit for a submission"
    if returncode == -signal.SIGXFSZ:
        return f"your code wrote a file larger than {_size(limits.file_size)}, the limit for a submission"
    return None

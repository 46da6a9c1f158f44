"""Helpers the tests share (a uniquely named module: several conftest.py files exist)."""
import os
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent


def survivors(marker: str) -> list[str]:
    """Live processes that inherited the environment variable ``marker`` (KEY=VALUE).

    Every descendant inherits it, so even a process that left its session (setsid) and was
    re-parented is recognised."""
    key, value = marker.split("=", 1)
    found = []
    for p in psutil.process_iter(["pid", "cmdline"]):
        if p.pid == os.getpid():
            continue
        try:
            if p.environ().get(key) == value and p.status() != psutil.STATUS_ZOMBIE:
                found.append(f"{p.pid}: {' '.join(p.info['cmdline'] or [])[:120]}")
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


def shm_entries() -> set[str]:
    shm = Path("/dev/shm")
    return {p.name for p in shm.iterdir()} if shm.is_dir() else set()


def mapped_by_anyone(names: set[str]) -> set[str]:
    """Entries of ``names`` that some live process still has mapped (another run's, not a leak)."""
    held = set()
    for p in psutil.process_iter():
        try:
            for m in p.memory_maps(grouped=True):
                if m.path.startswith("/dev/shm/") and m.path[len("/dev/shm/"):] in names:
                    held.add(m.path[len("/dev/shm/"):])
        except (psutil.Error, OSError):
            pass
    return held


def leaked_shm(before: set[str]) -> set[str]:
    """/dev/shm entries created since ``before`` that no live process uses any more."""
    new = shm_entries() - before
    unmapped = new - mapped_by_anyone(new)
    return unmapped & shm_entries()     # one unlinked while we looked was not leaked


def lesson_cells(exercise_id: str, extra_grade_ids=()):
    """See autograder.instructor.demo.exercise_notebook."""
    from autograder.instructor.demo import exercise_notebook

    return exercise_notebook(exercise_id, extra_grade_ids)


def leaked_shm_after(before: set[str], grace: float = 15.0) -> set[str]:
    """leaked_shm(before), once the run's resource trackers have had ``grace`` seconds (of
    machine share: longer on a busy machine) to unlink what they own (they exit a moment
    after their processes)."""
    import time

    from autograder.deadlines import Deadline

    deadline = Deadline(grace)
    while (leaked := leaked_shm(before)) and not deadline.expired():
        time.sleep(0.2)
    return leaked

"""Shared fixtures: the repository root, and a check that a run left no process behind."""
import os
import uuid
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def process_marker():
    """An environment variable every descendant inherits, so that even a process that left its
    session (setsid) and was re-parented can be recognised afterwards."""
    return f"COURSE_TEST_MARKER={uuid.uuid4().hex}"


def survivors(marker: str) -> list[str]:
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

"""Fixtures shared by the tests in this folder (helpers live in testkit.py)."""
import uuid

import pytest


@pytest.fixture
def process_marker():
    """An environment variable (KEY=VALUE) for a run's processes; see testkit.survivors."""
    return f"COURSE_TEST_MARKER={uuid.uuid4().hex}"

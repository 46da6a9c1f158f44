"""Fixtures shared by the tests in this folder (helpers live in testkit.py)."""
import uuid

import pytest


def pytest_addoption(parser):
    parser.addoption("--record-verdicts", action="store_true",
                     help="tests/test_corpus.py: write the corpus answers' verdicts to tests/corpus/verdicts.json "
                          "instead of comparing them (see tests/corpus/README.md)")


@pytest.fixture
def process_marker():
    """An environment variable (KEY=VALUE) for a run's processes; see testkit.survivors."""
    return f"COURSE_TEST_MARKER={uuid.uuid4().hex}"


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL server for the whole run (tests/pgkit.py); each test module
    makes a database of its own on it. Stopping it must leave no server process behind."""
    import os

    from tests.pgkit import PostgresServer
    from tests.testkit import survivors

    marker = f"COURSE_TEST_MARKER=postgres-{uuid.uuid4().hex}"
    key, value = marker.split("=", 1)
    server = PostgresServer(env={**os.environ, key: value})
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()
    assert survivors(marker) == [], "PostgreSQL processes outlived pg_ctl stop"

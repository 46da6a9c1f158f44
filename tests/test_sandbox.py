"""The sandbox every graded notebook and check runs in, probed from inside a real job.

A quiz job runs any cell text and sends back the value of one variable, so it is the probe:
each test runs code in a sandboxed job and asserts on what that code could see and do.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.sandbox import Sandbox, SandboxUnavailable, run_job
from autograder.sandbox.checker import check_answer
from autograder.sandbox.limits import GiB, MiB
from autograder.sandbox.settings import JOBS_PER_PROCESS, job_uid_of
from tests.testkit import REPO, survivors


def probe(code: str, sandbox: Sandbox | None = None, deadline: float = 120.0):
    """Run ``code`` in a sandboxed job; it must set ``result`` to a plain value."""
    job = run_job("quiz", {"cells": [{"id": "probe", "source": textwrap.dedent(code), "name": "result"}]},
                  sandbox=sandbox or Sandbox(), deadline=deadline)
    assert job.reply is not None, f"{job.problem}\n{job.log}"
    reply = job.reply["values"]["probe"]
    assert "value" in reply, reply
    return reply["value"]


def test_runs_as_an_unprivileged_user_without_capabilities():
    uid, caps = probe("""
        import os
        caps = open("/proc/self/status").read().split("CapEff:")[1].split()[0]
        result = [os.getuid(), caps]
    """)
    assert uid not in (0, os.getuid())
    assert int(caps, 16) == 0


def test_sees_neither_the_course_nor_the_graders_home_nor_its_environment(tmp_path, monkeypatch):
    secret = tmp_path / "gradebook.db"
    secret.write_text("grades")
    monkeypatch.setenv("COURSE_GRADEBOOK_URL", "postgresql://instructor:secret@localhost/gradebook")
    found = probe(f"""
        import os
        result = [os.path.exists({str(secret)!r}), os.path.exists({str(REPO / 'source')!r}),
                  os.path.exists({str(REPO / 'nbgrader_config.py')!r}),
                  os.path.exists(os.path.expanduser("~root/.bashrc")),
                  "COURSE_GRADEBOOK_URL" in os.environ,
                  " ".join(sorted(os.listdir("/home"))) if os.path.isdir("/home") else ""]
    """)
    assert found == [False, False, False, False, False, ""]


def test_the_project_code_is_readable_but_nothing_outside_tmp_is_writable():
    result = probe(f"""
        import autograder, course
        outcomes = []
        for path in ({str(REPO / 'autograder' / 'x.py')!r}, "/usr/x", "/etc/x"):
            try:
                open(path, "w")
                outcomes.append("written")
            except OSError as exc:
                outcomes.append(type(exc).__name__)
        open("/tmp/ok", "w").write("fine")
        result = [autograder.__name__, course.__name__, *outcomes]
    """)
    assert result[:2] == ["autograder", "course"]
    assert "written" not in result[2:]


def test_has_no_network_beyond_its_own_loopback():
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(1)
    port = listener.getsockname()[1]
    try:
        result = probe(f"""
            import socket
            outcomes = []
            for host in ("127.0.0.1", "localhost", "1.1.1.1"):
                try:
                    socket.create_connection((host, {port}), timeout=2).close()
                    outcomes.append("connected")
                except OSError:
                    outcomes.append("refused")
            server = socket.create_server(("127.0.0.1", 0))   # its own loopback works
            client = socket.create_connection(server.getsockname())
            result = outcomes + ["own loopback" if server.accept() else ""]
        """)
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()
    assert result == ["refused", "refused", "refused", "own loopback"]


def test_sees_only_its_own_processes_and_cannot_signal_the_grader():
    result = probe(f"""
        import os, signal
        try:
            os.kill({os.getpid()}, 0)
            reached = "reached the grader"
        except OSError:
            reached = "no such process"
        result = [reached, len([p for p in os.listdir("/proc") if p.isdigit()])]
    """)
    assert result[0] == "no such process"
    assert result[1] < 10


def test_no_two_live_processes_give_their_jobs_one_uid():
    """A uid's process limit counts its processes machine-wide, so two jobs running at once
    must never share one. Pids are unique among live processes; pids 10,000 apart (which
    ``pid % 10_000`` mapped to one uid) and the largest pid this machine can hand out are
    checked, for the job numbers at which a process's uids start again."""
    pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    base = Sandbox().uid_base
    pids = sorted({pid for pid in (300, 10_300, 20_300, 30_300, pid_max - 1) if pid < pid_max})
    uids = [job_uid_of(base, pid, number) for pid in pids for number in range(JOBS_PER_PROCESS)]
    assert len(set(uids)) == len(uids)
    assert [job_uid_of(base, pid, JOBS_PER_PROCESS) for pid in pids] == \
        [job_uid_of(base, pid, 0) for pid in pids]
    assert base <= min(uids) and max(uids) < 2 ** 31 - 1


def test_process_limit_stops_a_fork_bomb(process_marker):
    key, value = process_marker.split("=")
    os.environ[key] = value
    try:
        forked = probe("""
            import os, time
            children = 0
            for _ in range(10_000):
                try:
                    pid = os.fork()
                except OSError:
                    break
                if pid == 0:
                    time.sleep(60)
                    os._exit(0)
                children += 1
            result = children
        """, Sandbox(max_processes=40))
    finally:
        del os.environ[key]
    assert 0 < forked < 40
    assert survivors(process_marker) == []     # the PID namespace died with the job


def test_too_many_threads_is_explained_as_the_process_limit():
    """The process limit counts threads: a submission that starts threads until one fails is
    told which limit it hit, with the error text Python really gives."""
    sandbox = Sandbox(max_processes=20)
    error, started = probe("""
        import threading
        stop, started, error = threading.Event(), [], None
        try:
            for _ in range(100):
                thread = threading.Thread(target=stop.wait, args=(60,))
                thread.start()
                started.append(thread)
        except RuntimeError as exc:
            error = f"{type(exc).__name__}: {exc}"
        finally:
            stop.set()
            for thread in started:
                thread.join(10)
        result = [error, len(started)]
    """, sandbox)
    assert error is not None and started < 20, (error, started)
    explained = sandbox.limits().explain(error)
    assert explained and "more than 20 processes and threads at once" in explained, (error, explained)


def test_memory_and_file_size_limits_are_explained():
    result = probe("""
        outcomes = []
        try:
            ballast = bytearray(3 * 1024 ** 3)
            outcomes.append("allocated")
        except MemoryError as exc:
            outcomes.append("MemoryError")
        try:
            with open("/tmp/big", "wb") as f:
                f.write(b"x" * (40 * 1024 * 1024))
            outcomes.append("written")
        except OSError as exc:
            outcomes.append(f"{type(exc).__name__}: {exc}")
        result = outcomes
    """, Sandbox(memory_limit=2 * GiB, max_file_size=16 * MiB))
    assert result[0] == "MemoryError"
    assert "File too large" in result[1]
    limits = Sandbox(memory_limit=2 * GiB, max_file_size=16 * MiB).limits()
    assert "more than 2 GiB of memory" in limits.explain("MemoryError: ")
    assert "larger than 16 MiB" in limits.explain(result[1])


def test_a_job_past_its_deadline_is_killed_with_everything_it_started(process_marker):
    key, value = process_marker.split("=")
    os.environ[key] = value
    try:
        answer = textwrap.dedent("""
            import os, time
            for _ in range(20):
                if os.fork() == 0:
                    while True:
                        time.sleep(1)
            while True:
                pass
        """)
        job = run_job("checks", {"exercise": "safe_counter", "suites": ["visible"], "source": answer},
                      sandbox=Sandbox(), deadline=5)
    finally:
        del os.environ[key]
    assert job.reply is None and "did not finish within 5 s" in job.problem
    assert survivors(process_marker) == []


def test_an_answer_cannot_forge_the_judges_reply():
    """The answer runs only in workers, whose one open descriptor is their socket to the judge:
    what it writes there is a broken message, which fails the answer, never a verdict."""
    forged = json.dumps({"reports": {"visible": {"exercise": "safe_counter", "suite": "visible",
                                                 "problem": "", "results": []}}})
    answer = textwrap.dedent(f"""
        import os
        for fd in range(3, 64):
            try:
                os.write(fd, {("0" * 64 + " " + forged).encode()!r})
            except OSError:
                pass
        os._exit(0)
    """)
    for sandbox in (Sandbox(), None):
        report = check_answer("safe_counter", "visible", answer, sandbox=sandbox)
        assert report.earned == 0 and [r.passed for r in report.results] == [False] * 3, report.render()
        assert "running your answer cell failed" in report.problem, report.problem


def test_make_grade_without_bubblewrap_says_how_to_install_it(tmp_path):
    (tmp_path / "bin").mkdir()
    os.symlink(sys.executable, tmp_path / "bin" / "python")
    env = {**os.environ, "PATH": str(tmp_path / "bin")}
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(tmp_path)],
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert "bubblewrap (bwrap) is not installed" in run.stderr
    assert "apt install bubblewrap" in run.stderr and "--no-sandbox" in run.stderr


def test_sandbox_unavailable_is_an_exception_not_an_exit(monkeypatch):
    from autograder.sandbox import check_available

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(SandboxUnavailable, match="dnf install bubblewrap"):
        check_available()


@pytest.mark.parametrize("kind,heavy", [("checks", "nbformat"), ("quiz", "nbformat"), ("notebook", "autograder.engine")])
def test_a_job_imports_only_what_its_kind_needs(kind, heavy):
    """Every answer is checked in fresh jobs, so an import a job does not need is paid once per
    suite per submission (nbformat's jsonschema alone takes about 2 s of CPU)."""
    probe = ("import sys; from autograder.sandbox import inside; inside.handler(sys.argv[1]); "
             "print(sys.argv[2] in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe, kind, heavy], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False", f"a {kind} job imported {heavy}"


def test_a_jobs_memory_is_limited_as_a_whole(process_marker):
    """Each process stays under its own address-space limit, but together they pass the job's
    memory (c.Sandbox.job_memory): the grader stops the whole job (memory_watch.py)."""
    code = textwrap.dedent("""
        import multiprocessing, time
        def hold():
            ballast = bytearray(200 * 1024 ** 2)     # touched: resident
            time.sleep(60)
        children = [multiprocessing.get_context("fork").Process(target=hold) for _ in range(4)]
        for child in children:
            child.start()
        time.sleep(60)
        result = "not stopped"
    """)
    sandbox = Sandbox(memory_limit=1 * GiB, job_memory=512 * MiB)
    job = run_job("quiz", {"cells": [{"id": "probe", "source": code, "name": "result"}]},
                  sandbox=sandbox, deadline=50)
    assert job.reply is None
    assert job.problem == "your code's processes together used more than 512 MiB of memory, the limit " \
                          "for a submission, and were stopped"
    assert job.elapsed < 40
    assert survivors(process_marker) == []


def test_the_per_process_limit_never_exceeds_the_jobs():
    assert Sandbox(memory_limit=4 * GiB, job_memory=2 * GiB).limits().memory == 2 * GiB

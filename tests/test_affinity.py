"""A judge and its workers share one CPU (round trips on one core cost a quarter of those across
two), judges at the same time claim different CPUs, deadlines still count the whole machine,
a real run's children race on every CPU, and grading jobs side by side each keep a CPU for a
whole submission (autograder/affinity.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading

import pytest

from autograder.affinity import JobCpus, machine_cpus, one_cpu
from autograder.checks.answers import cell_to_module_source
from autograder.checks.realrun import Call, run_real
from autograder.deadlines import machine_share
from autograder.environment import MACHINE_CPUS
from autograder.sandbox.job_checks import judge_session
from tests.testkit import REPO

CPUS = set(os.sched_getaffinity(0))

WHERE = '''
import os

class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        self.initial = initial

    def cpus(self):
        return sorted(os.sched_getaffinity(0))
'''


@pytest.fixture(autouse=True)
def own_claims(tmp_path, monkeypatch):
    """The claims of these tests only: a judge that another run on this machine holds must not
    take a CPU they expect to claim."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setenv("TMPDIR", str(tmp_path))


def in_a_child(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          timeout=60, cwd=REPO).stdout.strip()


def test_a_judge_holds_one_cpu_and_gives_every_cpu_back():
    with one_cpu() as cpu:
        if len(CPUS) < 2:                       # nothing to gain on one CPU: left as it is
            assert cpu is None and os.sched_getaffinity(0) == CPUS
            return
        assert os.sched_getaffinity(0) == {cpu}
        assert machine_cpus() == CPUS           # what deadlines count, here and in the workers
        assert os.environ[MACHINE_CPUS] == ",".join(map(str, sorted(CPUS)))
        assert in_a_child("import os; print(sorted(os.sched_getaffinity(0)))") == str([cpu])
        assert in_a_child("from autograder.affinity import every_cpu; import os; every_cpu(); "
                          "print(sorted(os.sched_getaffinity(0)))") == str(sorted(CPUS))
    assert os.sched_getaffinity(0) == CPUS
    assert MACHINE_CPUS not in os.environ


def test_judges_at_the_same_time_claim_different_cpus():
    code = ("from autograder.affinity import one_cpu; import sys\n"
            "with one_cpu() as cpu:\n    print(cpu, flush=True); sys.stdin.read()")
    judges = [subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, cwd=REPO) for _ in range(len(CPUS) + 1)]
    try:
        claimed = [judge.stdout.readline().strip() for judge in judges]
    finally:
        for judge in judges:
            judge.communicate("", timeout=60)
    pinned = [int(c) for c in claimed if c != "None"]
    assert sorted(pinned) == (sorted(CPUS) if len(CPUS) > 1 else [])
    assert claimed.count("None") == (1 if len(CPUS) > 1 else len(judges))   # one more than CPUs: unpinned
    with one_cpu() as cpu:                      # a judge that ended gave its CPU back
        assert (cpu is not None) == (len(CPUS) > 1)


def test_pinning_does_not_stretch_deadlines(monkeypatch):
    # a load of twice the machine's CPUs: half a core's share, pinned or not (one CPU's count
    # would make it a quarter, or less)
    monkeypatch.setattr(os, "getloadavg", lambda: (2.0 * len(CPUS), 0.0, 0.0))
    assert machine_share() == 0.5
    with one_cpu():
        assert machine_share() == 0.5


def test_the_workers_share_the_judges_cpu_and_real_children_get_every_cpu():
    with one_cpu() as cpu, judge_session("safe_counter", cell_to_module_source(WHERE), sandbox=None) as session:
        cls = session.load_class("SafeCounter")
        mine = {cpu} if cpu is not None else CPUS
        assert set(cls().cpus()) == mine                      # a plain worker: the judge's CPU
        run = run_real(cls, lambda ctx: cls(0, ctx=ctx), [[Call("cpus")]] * 2, "fork")
        assert run.ok, run.problem()
        for outcome in run.outcomes:
            assert outcome.returned and outcome.returned[-1] == repr(sorted(CPUS)), outcome


CHILD_VIEW = ("import os; from autograder.affinity import one_cpu\n"
              "with one_cpu() as cpu: print(sorted(os.sched_getaffinity(0)), cpu, os.environ['" + MACHINE_CPUS + "'])")


@pytest.mark.skipif(len(CPUS) < 2, reason="one CPU: there is nothing to share out (checked in the next test)")
def test_grading_jobs_side_by_side_each_keep_a_cpu_for_a_whole_submission():
    """Two jobs on two CPUs: each thread's processes (here a child that, like a judge, then pins
    itself) stay on the job's CPU, the two jobs never share one, deadlines still count the
    whole machine, and every thread gets every CPU back."""
    seen: dict = {}
    both_in = threading.Barrier(2, timeout=60)
    with JobCpus(2) as cpus:
        assert cpus.enabled and os.environ[MACHINE_CPUS] == ",".join(map(str, sorted(CPUS)))

        def job(name: str) -> None:
            with cpus.held() as cpu:
                both_in.wait()                 # both hold a CPU at once
                seen[name] = (cpu, in_a_child(CHILD_VIEW))
            seen[name + " after"] = sorted(os.sched_getaffinity(0))

        threads = [threading.Thread(target=job, args=(name,)) for name in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
            assert not t.is_alive()
    assert seen["a"][0] != seen["b"][0]
    machine = ",".join(map(str, sorted(CPUS)))
    for name in ("a", "b"):
        cpu = seen[name][0]
        assert seen[name][1] == f"[{cpu}] {cpu} {machine}"
        assert seen[name + " after"] == sorted(CPUS)
    assert MACHINE_CPUS not in os.environ


def test_job_cpus_pin_nothing_for_one_job_or_more_jobs_than_cpus():
    for jobs in (1, len(CPUS) + 1):
        with JobCpus(jobs) as cpus:
            assert not cpus.enabled and MACHINE_CPUS not in os.environ
            with cpus.held() as cpu:
                assert cpu is None and os.sched_getaffinity(0) == CPUS

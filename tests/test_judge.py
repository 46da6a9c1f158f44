"""The judge never runs the answer: it reaches it through workers, and still gives the verdicts,
the stories and the failing schedules that running the class in its own interpreter gives (what
a student's ``autograder.replay`` does), while a worker that breaks the protocol fails only the
call it was asked, and nothing outlives a suite."""
from __future__ import annotations

import builtins
import importlib.util
import os
import shutil
import sys
import tempfile

import pytest

from autograder.checks import exercise_for
from autograder.checks.answers import cell_to_module_source
from autograder.checks.controlled import ControlledProperty
from autograder.checks.safe_counter.real_processes import shared_across_processes
from autograder.checks.settings import Checks, use
from autograder.judge import WorkerLost
from autograder.sandbox.job_checks import judge_session, run_suites
from autograder.worker.wire import MAX_MESSAGE, ProtocolError, decode_plain, encode
from benchmarks.hostile_submissions import sections
from tests.testkit import REPO, leaked_shm_after, shm_entries, survivors

CORPUS = REPO / "tests" / "corpus"

# answers whose controlled properties fail in the ways the stories tell (and a passing one)
SAME_AS_IN_PROCESS = [
    ("safe_counter", "bad_no_lock.py"), ("safe_counter", "bad_lazy_lock.py"), ("safe_counter", "good_rlock.py"),
    ("safe_counter", "bad_threading_lock.py"), ("safe_counter", "bad_global_mp_lock.py"),
    ("bounded_queue", "bad_if_wait.py"), ("lock_ordering", "bad_argument_order.py"), ("lock_ordering", "bad_id_order.py"),
]


def in_process_class(exercise: str, path):
    name = f"answer_{exercise}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return exercise_for(exercise).load(module)


@pytest.mark.parametrize("exercise,answer", SAME_AS_IN_PROCESS, ids=lambda v: str(v).replace(".py", ""))
def test_the_judge_finds_what_a_run_in_one_interpreter_finds(exercise, answer):
    """Every primitive operation a worker makes is performed by the engine in that process's
    greenlet: the same scheduling points, hence the same failure, shrunk the same way, told
    with the same story and the student's lines."""
    path = CORPUS / exercise / answer
    graded = exercise_for(exercise)
    try:
        local = in_process_class(exercise, path)
        with judge_session(exercise, cell_to_module_source(path.read_text()), sandbox=None) as session:
            remote = graded.load(_Module(session))
            checked = 0
            for props in graded.suites.values():
                for prop in props:
                    if not isinstance(prop, ControlledProperty) or prop.__name__ == "stress_controlled":
                        continue
                    here, there = prop(local), prop(remote)
                    for field in ("passed", "message", "scenario", "timeline", "fix", "replay"):
                        assert getattr(here, field) == getattr(there, field), (prop.__name__, field,
                                                                                here.render(), there.render())
                    checked += 1
            assert checked
    finally:
        sys.modules.pop(f"answer_{exercise}", None)


class _Module:
    def __init__(self, session):
        self._session = session

    def __getattr__(self, name):
        return self._session.load_class(name)


LEAKY = """%%exercise safe_counter
import builtins, multiprocessing
builtins.JUDGE_RAN_THE_ANSWER = True


class SafeCounter:
    def __init__(self, initial=0, *, ctx=None):
        ctx = ctx or multiprocessing.get_context()
        self._value = ctx.Value("q", initial)

    def increment(self, n=1):
        with self._value.get_lock():
            self._value.value += n

    @property
    def value(self):
        return self._value.value
"""


def test_a_whole_suite_never_runs_the_answer_in_the_judge(process_marker):
    key, value = process_marker.split("=")
    os.environ[key] = value
    before = shm_entries()
    try:
        with judge_session("safe_counter", cell_to_module_source(LEAKY), sandbox=None) as session:
            report = run_suites("safe_counter", ["visible"], session)["visible"]
    finally:
        del os.environ[key]
    assert report.passed, report.render()
    assert not hasattr(builtins, "JUDGE_RAN_THE_ANSWER")
    assert "answer_safe_counter" not in sys.modules
    assert survivors(process_marker) == []
    assert leaked_shm_after(before) == set()


def test_a_worker_that_breaks_the_protocol_fails_only_its_call():
    answer = LEAKY.replace("builtins.JUDGE_RAN_THE_ANSWER = True", "") + '''
    def garbage(self):
        import gc, socket
        for s in [o for o in gc.get_objects() if isinstance(o, socket.socket)]:
            try:
                s.sendall(b"\\xff" * 16)
            except OSError:       # the host's objects, copied by fork: their descriptors are closed
                pass
'''
    with judge_session("safe_counter", cell_to_module_source(answer), sandbox=None) as session:
        cls = session.load_class("SafeCounter")
        counter = cls()
        counter.increment(2)
        with pytest.raises(WorkerLost, match="broke the protocol"):
            counter.garbage()
        fresh = cls(5)                    # a new plain worker: the suite goes on
        fresh.increment(1)
        assert fresh.value == 6


def test_an_unsandboxed_suite_leaves_nothing_in_the_temp_folder(monkeypatch):
    """Without a sandbox (a student's own check(), --no-sandbox) the worker host's answer folder,
    and the pymp-* folder (forkserver's listener socket) of each real-run worker it killed, are
    gone once the suite is over."""
    folder = tempfile.mkdtemp(prefix="tmpcheck-")    # short: AF_UNIX paths inside it
    monkeypatch.setenv("TMPDIR", folder)
    monkeypatch.setattr(tempfile, "tempdir", folder)
    path = CORPUS / "safe_counter" / "good_rlock.py"
    try:
        with use(Checks(start_methods=["forkserver"])):
            with judge_session("safe_counter", cell_to_module_source(path.read_text()), sandbox=None) as session:
                result = shared_across_processes(session.load_class("SafeCounter"))
        assert result.passed, result.render()
        left = sorted(os.listdir(folder))
        assert [name for name in left if name.startswith(("answer-", "pymp-"))] == [], left
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_values_cross_as_plain_data_only():
    value = [1, (2, b"x"), {"k": None}, 1.5, slice(1, None)]
    assert decode_plain(encode(value)) == value
    assert encode(object())["$obj"]["type"] == "object"
    for bad in ({"$obj": 1, "$tuple": []}, {"$code": "exit()"}, {"$slice": ["a", 1, 2]}):
        with pytest.raises(ProtocolError):
            decode_plain(bad)
    assert MAX_MESSAGE <= 8 << 20


SNIFFING = dict(sections("context_sniffing"))["answer"]


def test_an_answer_cannot_tell_a_graded_run_by_the_name_of_its_ctx():
    """context_sniffing locks only when type(ctx).__name__ says "Controlled": the worker's ctx
    carries multiprocessing's own name, so the controlled checks find its lost updates every
    time (not evidence, which a busy machine may not show)."""
    with judge_session("safe_counter", cell_to_module_source(SNIFFING), sandbox=None) as session:
        report = run_suites("safe_counter", ["visible"], session)["visible"]
    row = next(r for r in report.results if r.id == "lost_updates")
    assert not row.passed and not row.evidence, report.render()

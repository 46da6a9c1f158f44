"""A checks job: the judge of one exercise's suites on one answer.

It runs outside the sandbox, as a trusted process of the grader: it never imports or runs the
answer. It starts a worker host for the answer (autograder.worker.host, confined by the
sandbox settings the request carries, or unconfined on a student's own machine), and the
properties reach the answer only through it (autograder.judge): the class the checks get is
the judge's RemoteClass. The course's check settings (c.Checks) come with the request.
"""
from __future__ import annotations

import contextlib
from dataclasses import asdict

from autograder.affinity import one_cpu
from autograder.checks import exercise_for
from autograder.checks.answers import AnswerError, cell_to_module_source
from autograder.checks.report import Report
from autograder.checks.settings import Checks, use
from autograder.judge import HostLink, HostLost, LoadFailure, Session, WorkerLost
from autograder.processes import become_subreaper, kill_tree
from .jobs import start_worker_host
from .settings import Sandbox


class _AnswerModule:
    """The answer's module as the judge knows it: its classes, described by a worker."""

    def __init__(self, session: Session):
        self._session = session

    def __getattr__(self, name):
        try:
            return self._session.load_class(name)
        except LoadFailure as failure:
            if failure.syntax is not None:
                line, message = failure.syntax
                raise AnswerError(f"your answer cell has a syntax error on line {line}: {message}") from None
            kind, message = failure.raised
            raise AnswerError(f"running your answer cell raised {kind}: {message}") from None
        except (WorkerLost, HostLost) as exc:
            raise AnswerError(f"running your answer cell failed: {exc}") from None


def run_suites(exercise_id: str, suites: list[str], session: Session) -> dict[str, Report]:
    """Each suite's report, from one loaded class: every suite's rows come from the same run of
    every check (Exercise.outcomes remembers it for that class)."""
    exercise = exercise_for(exercise_id)
    try:
        cls = exercise.load(_AnswerModule(session))
    except AnswerError as exc:
        return {suite: Report.not_checked(exercise_id, suite, exercise.table(suite), str(exc)) for suite in suites}
    return {suite: exercise.run_suite(suite, cls) for suite in suites}


@contextlib.contextmanager
def judge_session(exercise_id: str, module_source: str, *, sandbox: Sandbox | None):
    """A judge's Session for the answer ``module_source`` (its worker host confined by
    ``sandbox``, or not), for the length of the block; HostLost if the host did not start.
    Everything the host started is gone afterwards."""
    host = start_worker_host(exercise_id, module_source, sandbox=sandbox)
    folder = None
    try:
        try:
            link = HostLink(host.control)
        except HostLost as exc:
            raise HostLost(f"{exc}{_last_line(host.log_tail())}") from None
        folder = link.hello.get("folder")
        session = Session(link, exercise_id, module_source)
        try:
            yield session
        finally:
            session.close()
            link.stop()
    finally:
        host.stop(folder)


def run(payload: dict) -> dict:
    """``{"reports": {suite: report}}`` for each of ``payload["suites"]``. Every suite's rows
    come from the same run of every check (checks/classes.py), so one job serves them all."""
    become_subreaper()     # the worker host and whatever escapes it stay ours to kill
    exercise_id, suites = payload["exercise"], payload["suites"]
    settings = payload.get("sandbox")
    sandbox = Sandbox(**settings) if isinstance(settings, dict) else None
    try:
        # the judge and the workers it starts share one CPU: a round trip between them then
        # costs a quarter of what it costs across two (autograder/affinity.py)
        with one_cpu(), judge_session(exercise_id, cell_to_module_source(payload["source"]), sandbox=sandbox) as session:
            with use(Checks(**payload.get("settings", {}))):
                reports = run_suites(exercise_id, suites, session)
    except HostLost as exc:
        reports = {suite: Report.not_checked(exercise_id, suite, exercise_for(exercise_id).table(suite),
                                             f"the checks could not start the answer's workers: {exc}")
                   for suite in suites}
    finally:
        kill_tree(include_my_children=True)
    return {"reports": {suite: asdict(report) for suite, report in reports.items()}}


def _last_line(log: str) -> str:
    lines = [line for line in log.strip().splitlines() if line.strip()]
    return f" ({lines[-1][-300:]})" if lines else ""

"""``TrustedScores``: every autograded test cell decided from the submitted answer cells.

It reads each answer cell from the notebook being graded (the submitted file, with locked
cells restored by nbgrader), runs the exercise's suites on it (one judge per answer, for every
suite its test cells name; the judge reaches the answer only through sandboxed workers), or
evaluates quiz answers and schedules in a sandboxed interpreter and judges the values itself; then it replaces each test cell's outputs with the verdict
(verdicts.py), so nbgrader's SaveAutoGrades records exactly the trusted score. Each check
cell also keeps its suite's report in ``metadata["autograder"]["report"]`` (the class
summary reads it); a flag for the instructor goes in ``metadata["autograder"]["flags"]``
(autograder/instructor/flags.py reads both).
"""
from __future__ import annotations

import json

from traitlets import Float

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.checks import suite_table
from autograder.checks.report import NOT_ANSWERED, Report
from autograder.checks.settings import Checks
from autograder.sandbox import Sandbox
from autograder.sandbox.checker import CELL_DEADLINE, CHECK_DEADLINE, QUIZ_DEADLINE, check_suites
from ..test_cells import CheckCall, answer_cells, is_test_cell, read_test_cell
from ..verdicts import answer_outputs, report_outputs
from ..weights import Weights


class TrustedScores(NbGraderPreprocessor):
    """Scores every autograded test cell from the answer cells, in sandboxes (see module doc)."""

    check_deadline = Float(CHECK_DEADLINE, help="Seconds the checks of one answer may take (one job runs "
                                                "every suite the notebook's test cells name).").tag(config=True)
    quiz_deadline = Float(QUIZ_DEADLINE, help="Seconds the quiz answers of one notebook may take.").tag(config=True)
    quiz_cell_deadline = Float(CELL_DEADLINE, help="Seconds one quiz answer cell may run.").tag(config=True)

    def preprocess(self, nb, resources):
        for cell in nb.cells:       # metadata["autograder"] is ours alone: drop whatever the student put there
            cell.get("metadata", {}).pop("autograder", None)
        sandbox = Sandbox(parent=self)
        sandbox = sandbox if sandbox.enabled else None
        points = Weights(parent=self).table()          # the course's points: c.Weights.points
        settings = Checks(parent=self)                 # the course's seed, start methods, deadlines: c.Checks
        answers = answer_cells(nb)
        tests = [(cell, read_test_cell(cell.source)) for cell in nb.cells if is_test_cell(cell)]
        answered = answer_outputs([call for _, call in tests if not isinstance(call, CheckCall)], answers,
                                  sandbox=sandbox, deadline=self.quiz_deadline,
                                  cell_deadline=self.quiz_cell_deadline)
        reports = self._check_reports([call for _, call in tests if isinstance(call, CheckCall)],
                                      answers, points, sandbox, settings)
        for cell, call in tests:
            if not isinstance(call, CheckCall):
                cell.outputs = answered[call]
                continue
            report = reports[call.exercise][call.suite]
            cell.outputs = report_outputs(report, hidden=call.suite.startswith("hidden"))
            # The verdicts, for the instructor's class summary (never shown to the student).
            cell.metadata.setdefault("autograder", {})["report"] = json.loads(report.to_json())
            if report.inconclusive:      # a real run did not finish and no deadlock was found
                cell.metadata["autograder"]["flags"] = [
                    {"kind": "inconclusive",
                     "detail": f"{', '.join(report.inconclusive)}: real processes did not finish; "
                               "scored from the step-by-step checks"}]
            self.log.info("%s %s: %g of %g points", call.exercise, call.suite, report.earned, report.total)
        return nb, resources

    def _check_reports(self, calls, answers, points, sandbox, settings) -> dict:
        """``{exercise: {suite: Report}}``: each exercise's answer checked once, in one job for
        every suite its test cells name (each suite's rows come from the same run of every check)."""
        wanted: dict = {}
        for call in calls:
            wanted.setdefault(call.exercise, {})[call.suite] = suite_table(call.exercise, call.suite, points)
        reports = {}
        for exercise, tables in wanted.items():
            source = answers.get(exercise)
            if source is None:
                reports[exercise] = {
                    suite: Report.not_checked(exercise, suite, table,
                                              f"{NOT_ANSWERED}: the notebook has no answer cell '{exercise}' "
                                              f"(was it deleted, or its metadata lost?)")
                    for suite, table in tables.items()}
            else:
                reports[exercise] = check_suites(exercise, tables, source, sandbox=sandbox,
                                                 deadline=self.check_deadline, settings=settings)
        return reports

"""``TrustedScores``: every autograded test cell decided from the submitted answer cells.

It reads each answer cell from the notebook being graded (the submitted file, with locked
cells restored by nbgrader), runs the exercise's suites on it (each suite's judge reaches the
answer only through sandboxed workers), or evaluates quiz answers and schedules in a sandboxed interpreter and
judges the values itself; then it replaces each test cell's outputs with the verdict
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
from autograder.sandbox.checker import CELL_DEADLINE, CHECK_DEADLINE, QUIZ_DEADLINE, check_answer
from ..test_cells import CheckCall, answer_cells, is_test_cell, read_test_cell
from ..verdicts import answer_outputs, report_outputs
from ..weights import Weights


class TrustedScores(NbGraderPreprocessor):
    """Scores every autograded test cell from the answer cells, in sandboxes (see module doc)."""

    check_deadline = Float(CHECK_DEADLINE, help="Seconds one suite of checks may take.").tag(config=True)
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
        for cell, call in tests:
            if not isinstance(call, CheckCall):
                cell.outputs = answered[call]
                continue
            table = suite_table(call.exercise, call.suite, points)
            source = answers.get(call.exercise)
            if source is None:
                report = Report.not_checked(call.exercise, call.suite, table,
                                            f"{NOT_ANSWERED}: the notebook has no answer cell "
                                            f"'{call.exercise}' (was it deleted, or its metadata lost?)")
            else:
                report = check_answer(call.exercise, call.suite, source, sandbox=sandbox,
                                      deadline=self.check_deadline, table=table, settings=settings)
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

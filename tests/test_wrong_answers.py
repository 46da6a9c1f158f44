"""A student who answers every exercise wrongly first: nothing hangs, nothing is left behind.

For each lesson with a graded exercise, one kernel per start method (fork, spawn) runs the
lesson's first cell, then, for every wrong answer in ``tests/corpus/<exercise>/bad_*.py``,
the answer cell with that answer and the cells that use it (the "try it with real processes"
cells between the answer and its checks). The checks themselves are left out: they run on
every corpus answer in tests/test_corpus.py already. Each notebook must finish, no cell may
run past its own deadlines (the ``deadline=`` of its runs, plus a read-back's), and no
process or /dev/shm entry may outlive the kernel.

08-contention measures the student's BoundedQueue from lesson 05: it runs here with a queue
that loses wake-ups (every consumer waits for ever), under each start method.

A quiz or schedule cell run before its answer says "not answered yet" (not NameError).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.deadlines import Deadline
from course.readback import DEADLINE as READ_BACK_DEADLINE
from tests.test_lessons import START_METHODS, grade_id, is_answer_cell, run_clean
from tests.testkit import REPO

CORPUS = REPO / "tests" / "corpus"
LESSONS = {"safe_counter": "02-locks", "bounded_queue": "05-conditions", "lock_ordering": "06-deadlock"}
METHODS = [m for m in ("fork", "spawn") if m in START_METHODS]
#: start-up of the processes and of the read-back, on top of the deadlines a cell names
START_UP = 30.0
#: the queue 08 measures: its items stay in each producer's own list, so its consumer waits for ever
HANGING_QUEUE = CORPUS / "bounded_queue" / "bad_python_list.py"


def lesson(name: str) -> Path:
    return REPO / "source" / name / f"{name}.ipynb"


def wrong_answers(exercise: str) -> list[Path]:
    return sorted((CORPUS / exercise).glob("bad_*.py"))


def uses_of_the_answer(nb, exercise: str) -> list:
    """The code cells after the exercise's answer cell, up to its first graded cell."""
    start = next(i for i, c in enumerate(nb.cells) if grade_id(c) == exercise and is_answer_cell(c))
    cells = []
    for cell in nb.cells[start + 1:]:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            break
        if cell.cell_type == "code":
            cells.append(cell)
    assert cells, f"{exercise}: no cell uses the answer"
    return cells


def budget(source: str) -> float:
    """Seconds (machine share) a cell may take: the deadlines of its runs, a read-back, start-up."""
    deadlines = [float(x.replace("_", "")) for x in re.findall(r"deadline=([0-9_.]+)", source)]
    reads = source.count("read_back(")
    return sum(deadlines) + reads * READ_BACK_DEADLINE + START_UP


class Stopwatch:
    """nbclient hooks: each cell's run, in machine share, against its budget."""

    def __init__(self):
        self.late: list[str] = []
        self._clock = None

    def started(self, cell, cell_index, **_):
        self._clock = Deadline(budget(cell.source))

    def finished(self, cell, cell_index, **_):
        if self._clock is not None and self._clock.expired():
            self.late.append(f"cell {cell_index} ran past its deadlines ({self._clock.seconds:g} s):\n"
                             f"{cell.source[:200]}")


def with_answer(exercise: str, source: str):
    return new_code_cell(f"%%exercise {exercise}\n{source}")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("exercise", sorted(LESSONS))
def test_every_wrong_answer_finishes_in_time_and_leaves_nothing(exercise, method, process_marker):
    path = lesson(LESSONS[exercise])
    source = nbformat.read(path, as_version=4)
    uses = uses_of_the_answer(source, exercise)
    cells = [source.cells[1]]
    answers = wrong_answers(exercise)
    for answer in answers:
        cells.append(with_answer(exercise, answer.read_text()))
        cells += [new_code_cell(c.source) for c in uses]
    nb = new_notebook(cells=cells, metadata=source.metadata)
    watch = Stopwatch()
    run_clean(nb, path.parent, {"COURSE_START_METHOD": method}, process_marker,
              hooks={"on_cell_execute": watch.started, "on_cell_executed": watch.finished})
    assert not watch.late, "\n\n".join(watch.late)
    reported = [c for c in nb.cells[2:] if not c.source.startswith("%%exercise")]
    silent = [c.source[:120] for c in reported if not c.outputs]
    assert not silent, f"cells that said nothing: {silent}"


@pytest.mark.parametrize("method", METHODS)
def test_contention_lab_reports_a_queue_that_loses_wakeups(method, process_marker, tmp_path):
    """08 runs with lesson 05's answer cell holding a queue whose consumers wait for ever."""
    conditions = json.loads(lesson("05-conditions").read_text())
    for cell in conditions["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "bounded_queue":
            cell["source"] = "%%exercise bounded_queue\n" + HANGING_QUEUE.read_text()
    (tmp_path / "05-conditions").mkdir()
    (tmp_path / "05-conditions" / "05-conditions.ipynb").write_text(json.dumps(conditions))
    folder = tmp_path / "08-contention"
    folder.mkdir()
    nb = nbformat.read(lesson("08-contention"), as_version=4)
    watch = Stopwatch()
    run_clean(nb, folder, {"COURSE_START_METHOD": method}, process_marker,
              hooks={"on_cell_execute": watch.started, "on_cell_executed": watch.finished})
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Your BoundedQueue failed in the lab" in text, text[-3000:]
    errors = [o.evalue for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


def test_a_quiz_or_schedule_cell_before_its_answer_says_not_answered_yet(process_marker):
    nb = new_notebook(cells=[new_code_cell("import course\nfrom autograder import quiz, puzzle"),
                             new_code_cell('quiz.check("locks_selfcheck_1", locks_selfcheck_1)'),
                             new_code_cell('puzzle.check("counter_schedule", counter_schedule)'),
                             new_code_cell("not_an_answer_name")])
    run_clean(nb, REPO, {}, process_marker)
    quiz_cell, puzzle_cell, other = ([o for o in c.outputs if o.output_type == "error"] for c in nb.cells[1:])
    assert "locks_selfcheck_1: not answered yet" in "".join(quiz_cell[0].traceback)
    assert "counter_schedule: not answered yet" in "".join(puzzle_cell[0].traceback)
    assert "not answered yet" not in "".join(other[0].traceback)      # any other NameError: as usual

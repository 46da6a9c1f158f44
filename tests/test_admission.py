"""Admission is advice, not a wall: every answer runs (the judge never runs it, workers do),
and what cannot work across processes is pointed out, with its line, before the checks say so."""
from __future__ import annotations

import nbformat
import pytest

from autograder.checks import EXERCISES
from autograder.checks.admission import lint
from tests.testkit import REPO

HONEST = sorted((REPO / "tests" / "corpus").glob("*/*.py")) + \
    sorted((REPO / "demo" / "submissions" / "02-locks").glob("*.py"))


@pytest.mark.parametrize("path", HONEST, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_answer_is_read_without_refusal(path):
    lint(path.parent.name, path.read_text())


def test_the_lessons_solutions_get_no_warning():
    found = 0
    for path in sorted((REPO / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in EXERCISES:
                assert lint(grade_id, cell.source) == [], cell.source
                found += 1
    assert found == len(EXERCISES)


ONCE_REFUSED = [
    "import os", "import random", "import autograder", "import gc", "import importlib",
    "from multiprocessing import *", "x = eval('1')", "exec('x = 1')", "getattr(object, 'x')",
    "m = __import__('os')", "def f(e):\n    return e.__traceback__.tb_frame.f_back",
    "object.__subclasses__()", "def f(ctx):\n    return ctx._sim", "'{0.__class__}'.format(1)",
    "match x:\n    case C(_sim=s):\n        pass",
    "from dataclasses import make_dataclass\nC = make_dataclass('C', [('x', int)])",
]


@pytest.mark.parametrize("source", ONCE_REFUSED, ids=lambda s: s.splitlines()[-1][:40])
def test_what_admission_once_refused_now_runs_without_a_word(source):
    assert lint("safe_counter", "%%exercise safe_counter\nimport multiprocessing\n" + source + "\n") == []


WARNED = {
    "import threading\nclass C:\n    def __init__(self):\n        self._lock = threading.Lock()":
        (6, "a threading.Lock is not shared between processes"),
    "from threading import Condition\nc = Condition()": (4, "a threading.Condition is not shared"),
    "lock = multiprocessing.Lock()": (3, "multiprocessing.Lock() does not come from the ctx"),
    "import multiprocessing as mp\nv = mp.Value('q', 0)": (4, "multiprocessing.Value() does not come from the ctx"),
    "def f(ctx):\n    return ctx.Queue()": (4, "ctx.Queue() is not available when the exercises are checked"),
    "total = 0\ndef add(n):\n    global total\n    total += n": (5, "a module global is not shared between processes"),
}


@pytest.mark.parametrize("source", list(WARNED), ids=lambda s: s.splitlines()[-1][:40])
def test_what_cannot_work_across_processes_is_pointed_out_with_its_line(source):
    line, text = WARNED[source]
    notes = lint("safe_counter", "%%exercise safe_counter\nimport multiprocessing\n" + source + "\n")
    assert [(n.line, text in n.text) for n in notes] == [(line, True)], notes


def test_a_syntax_error_is_reported_with_the_cell_line():
    with pytest.raises(SyntaxError) as info:
        lint("safe_counter", "%%exercise safe_counter\nimport multiprocessing\n\ndef f(:\n")
    assert info.value.lineno == 4

"""Admission: what an answer cell may not contain, and that honest answers always get in."""
from __future__ import annotations

import nbformat
import pytest

from autograder.checks.admission import AnswerRefused, admit
from autograder.checks import EXERCISES
from tests.testkit import REPO

HONEST = sorted((REPO / "tests" / "corpus").glob("*/*.py")) + \
    sorted((REPO / "demo" / "submissions" / "02-locks").glob("[cdr]*.py"))


@pytest.mark.parametrize("path", HONEST, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_honest_answer_is_admitted(path):
    """Right or wrong (threading.Lock, plain lists, id() ordering, ...), it is graded, not refused."""
    admit(path.parent.name, path.read_text())


def test_every_solution_in_the_lessons_is_admitted():
    found = 0
    for path in sorted((REPO / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in EXERCISES:
                admit(grade_id, cell.source)
                found += 1
    assert found == len(EXERCISES)


REFUSED = {
    "import os": "`import os` is not allowed",
    "import autograder": "`import autograder` is not allowed",
    "from course import quiz": "`from course import ...` is not allowed",
    "import gc": "`import gc` is not allowed",
    "import importlib": "`import importlib` is not allowed",
    "from multiprocessing import *": "name what you import",
    "import multiprocessing.util as u": "`import multiprocessing.util` is not allowed",
    "import multiprocessing\nm = multiprocessing": "only as `multiprocessing.<name>`",
    "import multiprocessing\nmultiprocessing.util.os": "`multiprocessing.util` is not among the names",
    "import queue\nqueue.threading": "`queue.threading` is not among the names",
    "x = eval('1')": "`eval` is not allowed",
    "exec('x = 1')": "`exec` is not allowed",
    "f = compile('1', 'f', 'eval')": "`compile` is not allowed",
    "getattr(object, 'x')": "`getattr` is not allowed",
    "open('/etc/passwd')": "`open` is not allowed",
    "g = globals()": "`globals` is not allowed",
    "m = __import__('os')": "`__import__` is not allowed",
    "def f(e):\n    return e.__traceback__": "`.__traceback__` is not allowed",
    "def f(e):\n    return e.tb_frame.f_back": "`.tb_frame` is not allowed",
    "object.__subclasses__()": "`.__subclasses__` is not allowed",
    "def f(ctx):\n    return ctx._sim": "`._sim` is a private attribute of another object",
    "x.__dict__": "`.__dict__` is not allowed",
    "'{0.__class__}'.format(1)": "str.format() is allowed only on a literal string",
    "import ctypes\nctypes.string_at(0)": "`ctypes.string_at` is not among the names",
    "def f(t):\n    t.settrace(f)": "`.settrace` is not allowed",
    "match x:\n    case C(_sim=s):\n        pass": "`._sim` is a private attribute",
}


@pytest.mark.parametrize("source", list(REFUSED), ids=lambda s: s.splitlines()[-1][:40])
def test_a_construct_that_reaches_the_grader_is_refused_with_its_line(source):
    text = "%%exercise safe_counter\nimport multiprocessing\n" + source + "\n"
    with pytest.raises(AnswerRefused) as info:
        admit("safe_counter", text)
    message = str(info.value)
    assert REFUSED[source] in message
    assert "line " in message and "may import only" in message


ALLOWED = [
    "class A:\n    def f(self):\n        return self._x",
    "class A:\n    def __setstate__(self, s):\n        self.__dict__.update(s)",
    "class A:\n    def __repr__(self):\n        return f'{type(self).__name__}()'",
    "'{} of {}'.format(1, 2)",
    "from ctypes import c_int64\nimport time\nimport queue",
    "import threading\nlock = threading.Lock()",
    "sorted([1, 2], key=id)",
    "class A:\n    def f(self):\n        self.load = 1\n        return self.load",
]


@pytest.mark.parametrize("source", ALLOWED, ids=lambda s: s.splitlines()[-1][:40])
def test_ordinary_python_is_admitted(source):
    admit("safe_counter", "import multiprocessing\n" + source + "\n")


def test_the_refusal_names_the_line():
    with pytest.raises(AnswerRefused, match="line 4: `import os` is not allowed"):
        admit("safe_counter", "%%exercise safe_counter\nimport multiprocessing\n\nimport os\n")

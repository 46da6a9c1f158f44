"""Reading a hostile submission (tests/hostile/*.py, format in its README) into a notebook.

Shared by the tests that grade the attacks (tests/test_hostile.py, tests/test_evidence.py)
and the class benchmark, which grades a few of them (benchmarks/class_bench.py): it lives
here so that no benchmark imports the test suite."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

HOSTILE = Path(__file__).resolve().parent.parent / "tests" / "hostile"

# The counter every attack sits on: it counts nothing, so any point it earns is stolen.
NOTHING = '''import multiprocessing


class SafeCounter:
    """Counts nothing: every point this earns for the exercise is a point stolen."""

    def __init__(self, initial=0, *, ctx=None):
        self._initial = initial

    def increment(self, n=1):
        pass

    @property
    def value(self):
        return self._initial'''


def attacks() -> list[str]:
    return sorted(p.stem for p in HOSTILE.glob("*.py"))


def header(name: str) -> dict:
    text = (HOSTILE / f"{name}.py").read_text()
    meta = dict(re.findall(r"^(ATTACK|EXPECT|MESSAGE|QUIZ): (.*)$", text.split('"""')[1], re.M))
    return {"attack": meta["ATTACK"], "max_points": float(meta["EXPECT"]), "message": meta.get("MESSAGE"),
            "quiz": meta.get("QUIZ")}


def sections(name: str, **values: str) -> list[tuple[str, str]]:
    """[(kind, body)] of a hostile file (answer, cell, tamper <grade_id>); ``{NOTHING}`` and
    ``{KEY}`` for each keyword in ``values`` are filled in."""
    text = (HOSTILE / f"{name}.py").read_text().split('"""', 2)[2].replace("{NOTHING}", NOTHING)
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    parts = re.split(r"^# %% (.+)$", text, flags=re.M)
    return [(kind.strip(), body.strip("\n")) for kind, body in zip(parts[1::2], parts[2::2])]


def apply(nb, name: str, exercise: str = "safe_counter", **values: str) -> None:
    """Make ``nb`` the notebook the attack hands in: its answer cell, the cells it adds after
    it, the locked cells it rewrites."""
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    position = nb.cells.index(by_id[exercise]) + 1
    for kind, body in sections(name, **values):
        if kind == "answer":
            by_id[exercise].source = body
        elif kind == "cell":
            nb.cells.insert(position, nbformat.v4.new_code_cell(body))
            position += 1
        elif kind.startswith("tamper "):
            by_id[kind.split()[1]].source = body

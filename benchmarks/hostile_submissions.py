"""Reading a hostile submission (tests/hostile/*.py, format in its README) into a notebook.

Shared by the tests that grade the attacks (tests/test_hostile.py, tests/test_evidence.py)
and the class benchmark, which grades a few of them (benchmarks/class_bench.py): it lives
here so that no benchmark imports the test suite."""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import stat
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
    meta = dict(re.findall(r"^(ATTACK|EXPECT|MESSAGE|QUIZ|ID|GRADED|FLAG|CLASS): (.*)$", text.split('"""')[1], re.M))
    return {"attack": meta["ATTACK"], "max_points": float(meta["EXPECT"]), "message": meta.get("MESSAGE"),
            "quiz": meta.get("QUIZ"), "id": ast.literal_eval(meta["ID"]) if "ID" in meta else f"h-{name}",
            "graded": meta.get("GRADED", "yes") == "yes", "flag": meta.get("FLAG"),
            "class": meta.get("CLASS", "")}


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
        elif kind == "markdown":
            nb.cells.insert(position, nbformat.v4.new_markdown_cell(body))
            position += 1
        elif kind.startswith("markdown-repeat "):     # markdown-repeat COUNT TEXT: TEXT, COUNT times
            _, count, text = kind.split(" ", 2)
            nb.cells.insert(position, nbformat.v4.new_markdown_cell(text * int(count)))
            position += 1
        elif kind == "json-cell":
            cell = nbformat.from_dict(json.loads(body))
            cell.setdefault("id", f"attack-{position}")
            nb.cells.insert(position, cell)
            position += 1
        elif kind == "metadata":
            nb.metadata.update(json.loads(body))


def place_files(folder: Path, name: str, **values: str) -> None:
    """Put the special files of attack ``name`` into its submission ``folder`` (after its
    notebook is written): ``# %% file PATH`` (a regular file, the body its text), ``# %% link
    PATH -> TARGET``, ``# %% hardlink PATH -> TARGET``, ``# %% fifo PATH``, ``# %% device PATH``
    (``/dev/zero``'s device number), ``# %% sparse PATH BYTES``, ``# %% many COUNT PREFIX``
    (that many one-byte files), ``# %% remove PATH`` and ``# %% folder-link -> TARGET`` (the
    submission folder itself is a link). A PATH that exists (the notebook) is
    replaced; its folders are made."""
    folder = Path(folder)
    for kind, body in sections(name, **values):
        word, _, rest = kind.partition(" ")
        if word not in ("file", "link", "hardlink", "fifo", "device", "sparse", "many", "remove", "folder-link"):
            continue
        if word == "folder-link":             # the submission folder itself becomes a link
            shutil.rmtree(folder)
            os.symlink(rest.partition("-> ")[2].strip(), folder)
            return
        if word == "many":
            count, prefix = rest.split()
            for i in range(int(count)):
                (folder / f"{prefix}{i}").write_bytes(b"x")
            continue
        rel, _, target = rest.partition(" -> ")
        if word == "sparse":
            rel, size = rel.rsplit(" ", 1)
        path = folder / rel.strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        if word == "file":
            path.write_text(body)
        elif word == "link":
            os.symlink(target.strip(), path)
        elif word == "hardlink":
            os.link(target.strip(), path)
        elif word == "fifo":
            os.mkfifo(path)
        elif word == "device":
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 5))
        elif word == "remove":
            pass
        elif word == "sparse":
            with open(path, "wb") as f:
                f.truncate(int(size))

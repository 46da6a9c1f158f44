"""Admission: friendly early warnings about an answer cell, read before it runs. Not a wall.

The answer never runs where its verdict is decided: the judge (autograder.judge) runs it only
in workers, processes that know no expected result and can reach nothing of the judge, and the
sandbox confines those to the machine's share they get. So nothing is refused for safety any
more: any import, any builtin, any attribute. What is left is advice a student can act on
before the checks say it the long way: things that cannot work across processes (a
``threading`` lock, a primitive from the ``multiprocessing`` module instead of ``ctx``, a
module global as shared state) and what the controlled context does not offer (``ctx.Queue``
and the like). Only a syntax error stops an answer, since nothing of it could run.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from autograder.parsing import parse

from .answers import cell_to_module_source

__all__ = ["Note", "lint", "notes_text"]

#: primitives that threading and multiprocessing both have; ctx has the shared kind
PRIMITIVES = frozenset("Lock RLock Semaphore BoundedSemaphore Condition Event Barrier".split())
SHARED_MEMORY = frozenset("Value Array RawValue RawArray".split())
NOT_IN_CONTROLLED = frozenset("Queue SimpleQueue JoinableQueue Pipe Manager Pool".split())


@dataclass(frozen=True)
class Note:
    line: int
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}"


def lint(exercise_id: str, cell_source: str) -> list[Note]:
    """The warnings for an answer cell, by line (SyntaxError, with the cell's line, if it
    does not parse)."""
    source = cell_to_module_source(cell_source)
    shift = cell_source.count("\n") - source.count("\n")     # the magic line, if any: report cell lines
    try:
        tree = parse(source, filename=f"<{exercise_id} answer cell>")
    except SyntaxError as exc:
        exc.lineno = (exc.lineno or 0) + shift
        raise
    linter = _Linter()
    linter.visit(tree)
    seen, notes = set(), []
    for note in sorted(linter.notes, key=lambda n: n.line):
        if note.text not in seen:            # each piece of advice once, at its first line
            seen.add(note.text)
            notes.append(Note(note.line + shift, note.text))
    return notes


def notes_text(notes: list[Note], limit: int = 3) -> list[str]:
    """The notes as feedback lines (at most ``limit``)."""
    return [f"note, {note}" for note in notes[:limit]]


class _Linter(ast.NodeVisitor):
    def __init__(self):
        self.notes: list[Note] = []
        self.modules: dict[str, str] = {}        # local name -> threading / multiprocessing
        self.names: dict[str, tuple[str, str]] = {}   # local name -> (module, name) from `from m import n`

    def note(self, node, text: str) -> None:
        self.notes.append(Note(getattr(node, "lineno", 0), text))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name in ("threading", "multiprocessing"):
                self.modules[alias.asname or alias.name] = alias.name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module in ("threading", "multiprocessing") and not node.level:
            for alias in node.names:
                self.names[alias.asname or alias.name] = (node.module, alias.name)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        found = None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if func.value.id in self.modules:
                found = (self.modules[func.value.id], func.attr)
            elif func.value.id == "ctx" and func.attr in NOT_IN_CONTROLLED:
                self.note(node, f"ctx.{func.attr}() is not available when the exercises are checked: build "
                                f"it from ctx's locks, conditions, semaphores and shared memory (Value, Array)")
        elif isinstance(func, ast.Name) and func.id in self.names:
            found = self.names[func.id]
        if found is not None:
            self._primitive(node, *found)
        self.generic_visit(node)

    def _primitive(self, node, module: str, name: str) -> None:
        if module == "threading" and name in PRIMITIVES:
            self.note(node, f"a threading.{name} is not shared between processes, and cannot be sent to "
                            f"one under spawn: create it from ctx (ctx.{name}())")
        elif module == "multiprocessing" and name in PRIMITIVES | SHARED_MEMORY:
            self.note(node, f"multiprocessing.{name}() does not come from the ctx the class is given: "
                            f"create it from ctx (ctx.{name}(...)), so that it works under every start "
                            f"method and the checks can control it")

    def visit_Global(self, node: ast.Global) -> None:
        self.note(node, "a module global is not shared between processes (each has its own copy of the "
                        "module): keep shared state in ctx's shared memory")

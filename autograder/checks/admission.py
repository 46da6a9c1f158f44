"""Admission: a static check of an answer cell before any of it runs.

An answer runs in the same process as the checks that judge it, so the checks must be out
of its reach. This reads the cell with Python's ``ast`` and refuses what only serves to
reach the grader or the machine: imports outside a short list of modules the exercises need
(and, from those, only the names listed), the builtins that reach objects by name or run
code from text (``eval``, ``exec``, ``getattr``, ``open``, ``globals``, ...), attributes that
lead to frames, code, modules or raw memory, and private attributes of objects other than
``self``/``cls``. An honest answer, right or wrong, passes: a ``threading.Lock``, a plain
list, locks ordered by ``id()`` are graded, not refused.

The sandbox (autograder.sandbox) is the second wall: whatever slips through still sees no
gradebook, no other submission and no network, and cannot forge a signed verdict.
"""
from __future__ import annotations

import ast
import string
from dataclasses import dataclass

from autograder.parsing import parse

from .answers import cell_to_module_source

# module -> the names an answer may use from it (as ``module.name`` or ``from module import name``)
ALLOWED_IMPORTS: dict[str, frozenset[str]] = {name: frozenset(names.split()) for name, names in {
    "multiprocessing": (
        "get_context get_start_method get_all_start_methods current_process parent_process "
        "active_children cpu_count Lock RLock Semaphore BoundedSemaphore Condition Event Barrier "
        "Value Array RawValue RawArray Queue SimpleQueue JoinableQueue Pipe Manager Process "
        "TimeoutError ProcessError BufferTooShort AuthenticationError"),
    "queue": "Full Empty Queue SimpleQueue LifoQueue PriorityQueue",
    "time": "sleep monotonic monotonic_ns perf_counter perf_counter_ns time time_ns",
    "threading": (
        "Lock RLock Condition Semaphore BoundedSemaphore Event Barrier BrokenBarrierError Thread "
        "Timer local get_ident get_native_id current_thread main_thread active_count"),
    "collections": "deque namedtuple defaultdict OrderedDict Counter ChainMap",
    "collections.abc": "Iterable Iterator Sequence Mapping MutableMapping Callable",
    "contextlib": "contextmanager ExitStack suppress nullcontext closing",
    "dataclasses": "dataclass field",
    "enum": "Enum IntEnum auto",
    "functools": "wraps total_ordering partial reduce lru_cache cache",
    "itertools": (
        "count cycle repeat accumulate chain compress dropwhile filterfalse groupby islice "
        "pairwise starmap takewhile tee zip_longest product permutations combinations"),
    "math": "inf nan isfinite isinf isnan floor ceil sqrt gcd prod fsum",
    "typing": "Any Optional Union List Dict Tuple Sequence Iterable Callable",
    "abc": "ABC abstractmethod",
    "ctypes": (
        "c_bool c_char c_byte c_ubyte c_short c_ushort c_int c_uint c_long c_ulong c_longlong "
        "c_ulonglong c_int8 c_int16 c_int32 c_int64 c_uint8 c_uint16 c_uint32 c_uint64 c_float "
        "c_double c_size_t"),
    "__future__": "annotations",
}.items()}

# Builtins that reach objects by name, run text as code, touch files or the interpreter.
REFUSED_BUILTINS = frozenset(
    "eval exec compile open __import__ getattr setattr delattr vars globals locals dir breakpoint "
    "input help exit quit memoryview __builtins__ __loader__ __spec__ __build_class__".split())

# Attribute names that lead out of the answer: frames, code objects, tracing hooks, modules,
# pickling (which can call anything), raw memory.
REFUSED_ATTRIBUTES = frozenset(
    "f_back f_globals f_locals f_builtins f_code f_trace tb_frame tb_next gi_frame gi_code "
    "gi_yieldfrom cr_frame cr_code cr_await ag_frame ag_code co_code co_consts co_names "
    "settrace setprofile settrace_all_threads setprofile_all_threads modules reducer reduction "
    "ForkingPickler loads dumps load dump util connection os sys builtins subprocess socket "
    "resource_tracker popen from_address from_buffer from_buffer_copy in_dll format_map".split())

# The only dunder attributes an answer may read (on anything); others reach the runtime.
ALLOWED_DUNDERS = frozenset("__init__ __name__ __qualname__ __doc__ __class__ __enter__ __exit__".split())


@dataclass
class Refusal:
    line: int
    why: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.why}"


class AnswerRefused(ValueError):
    """The answer uses something an answer cell may not use; the message names the line."""

    def __init__(self, exercise_id: str, refusals: list[Refusal]):
        self.refusals = refusals
        shown = "; ".join(map(str, refusals[:3])) + ("; ..." if len(refusals) > 3 else "")
        super().__init__(
            f"your {exercise_id} answer cell was not run: {shown}. An answer cell may import only "
            f"{allowed_summary()}, and may not read files, open sockets or look inside the "
            f"interpreter (eval/exec, getattr, frames, private attributes of other objects). "
            f"Remove that line; to debug, print() from your methods instead")


def allowed_summary() -> str:
    return ", ".join(sorted(m for m in ALLOWED_IMPORTS if m != "__future__"))


def admit(exercise_id: str, cell_source: str) -> None:
    """Raise AnswerRefused (or SyntaxError) unless the answer cell may run."""
    source = cell_to_module_source(cell_source)
    shift = cell_source.count("\n") - source.count("\n")     # the magic line, if any: report cell lines
    try:
        tree = parse(source, filename=f"<{exercise_id} answer cell>")
    except SyntaxError as exc:
        exc.lineno = (exc.lineno or 0) + shift
        raise
    refusals = [Refusal(r.line + shift, r.why) for r in _Admission().check(tree)]
    if refusals:
        raise AnswerRefused(exercise_id, refusals)


class _Admission(ast.NodeVisitor):
    def __init__(self):
        self.refusals: list[Refusal] = []
        self.module_aliases: dict[str, str] = {}     # local name -> allowed module it names
        self.attribute_bases: set[int] = set()       # ids of Name nodes used as `module.attr`

    def check(self, tree: ast.AST) -> list[Refusal]:
        self.visit(tree)
        return sorted(self.refusals, key=lambda r: r.line)

    def refuse(self, node: ast.AST, why: str) -> None:
        self.refusals.append(Refusal(getattr(node, "lineno", 0), why))

    # ---------------------------------------------------------------- imports
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name not in ALLOWED_IMPORTS:
                self.refuse(node, f"`import {alias.name}` is not allowed")
            elif alias.asname is None and "." in alias.name:
                self.refuse(node, f"write `import {alias.name} as ...` or `from {alias.name} import ...`")
            else:
                self.module_aliases[alias.asname or alias.name] = alias.name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        if node.level or module not in ALLOWED_IMPORTS:
            self.refuse(node, f"`from {module} import ...` is not allowed")
            return
        for alias in node.names:
            if alias.name == "*":
                self.refuse(node, f"`from {module} import *` is not allowed: name what you import")
            elif alias.name not in ALLOWED_IMPORTS[module]:
                self.refuse(node, f"`{alias.name}` from {module} is not among the names an answer may use")

    # ---------------------------------------------------------------- names and attributes
    def visit_Name(self, node: ast.Name) -> None:
        if node.id in REFUSED_BUILTINS:
            self.refuse(node, f"`{node.id}` is not allowed in an answer cell")
        elif node.id in self.module_aliases and id(node) not in self.attribute_bases:
            self.refuse(node, f"use the module `{node.id}` only as `{node.id}.<name>`")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        base = node.value
        if isinstance(base, ast.Name) and base.id in self.module_aliases:
            self.attribute_bases.add(id(base))
            module = self.module_aliases[base.id]
            if node.attr not in ALLOWED_IMPORTS[module]:
                self.refuse(node, f"`{base.id}.{node.attr}` is not among the names an answer may use "
                                  f"from {module}")
        self._check_attribute_name(node, node.attr, base)
        self.generic_visit(node)

    def _check_attribute_name(self, node, attr: str, base) -> None:
        if attr in REFUSED_ATTRIBUTES and not _is_self(base):   # self.load is the answer's own
            self.refuse(node, f"the attribute `.{attr}` is not allowed in an answer cell")
        elif attr.startswith("__") and attr.endswith("__"):
            if attr not in ALLOWED_DUNDERS and not (attr == "__dict__" and _is_self(base)):
                self.refuse(node, f"the attribute `.{attr}` is not allowed in an answer cell")
        elif attr.startswith("_") and not _is_self(base):
            self.refuse(node, f"`.{attr}` is a private attribute of another object; an answer may "
                              f"use private attributes only on self (or cls)")

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        for attr in node.kwd_attrs:       # `case C(_x=...)` reads attribute _x
            self._check_attribute_name(node, attr, None)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            # "{0.__class__}".format(x) reads attributes by name: only literal templates that
            # do not, and only on literals.
            if not (isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)
                    and _plain_template(func.value.value)):
                self.refuse(node, "str.format() is allowed only on a literal string without "
                                  "attribute or index fields; use an f-string")
        self.generic_visit(node)


def _is_self(base) -> bool:
    return isinstance(base, ast.Name) and base.id in ("self", "cls")


def _plain_template(template: str) -> bool:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError:
        return False
    return all("." not in f and "[" not in f for f in fields)

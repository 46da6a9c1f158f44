"""Properties checked by controlled interleavings, and their failures told as stories.

A controlled property is a function ``plans(cls) -> [Plan, ...]`` decorated with
:func:`controlled`: each plan is a scenario and the searches to run on it, in order
(checks.searches: seeded, so a verdict is the same on every grading run). The first failure
is reported as a story (see checks.report): the check's sentence, the decisive steps of the
shrunk run (autograder.engine.story) with the student's line for each, the fix for that kind
of failure, and ``autograder.replay(...)``, which re-runs the same search in the notebook and
shows every step as a list and a picture. A search that explores every distinct interleaving
ends its plan: its pass is a proof for that scenario. A pass notes what the searches covered.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import re
import sys
from dataclasses import dataclass, field

from autograder.engine import FailureKind, Scenario, hooks, story
from autograder.judge import RemoteClass
from .report import PropertyResult

__all__ = ["Plan", "Finding", "controlled", "ControlledProperty", "render_steps", "replay_call", "STORY_STEPS"]

#: the most steps a story shows (the replay shows all of them)
STORY_STEPS = 8
_AUTOGRADER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


@dataclass
class Plan:
    """One scenario, the searches to run on it in order (checks.searches), and fixes that
    apply to it only (merged over the property's)."""

    scenario: Scenario
    searches: list
    fixes: dict = field(default_factory=dict)

    def explore(self, runtime=None):
        """``(Failure or None, note)``: the searches in order, up to the first failure, or up
        to one that explored every distinct interleaving; the note says what they covered.
        ``runtime``: where the answer's code runs (the judge's workers; None: here)."""
        notes = []
        scenario = self.scenario if runtime is None else dataclasses.replace(self.scenario, runtime=runtime)
        for search in self.searches:
            result = search.explore(scenario)
            if not result.ok:
                return result.failure, None
            if result.complete:
                return None, result.coverage
            notes.append(result.coverage)
        return None, ", then ".join(notes)


class Finding(str):
    """What a scenario's check returns when it knows the fix too: the sentence of what went
    wrong (a str, as the engine expects), with ``.fix``."""

    def __new__(cls, message: str, fix: str = "", kind: str = ""):
        self = super().__new__(cls, message)
        self.fix = fix
        self.kind = kind          # the failure's kind for its class (checks/classes.py), if the check knows it
        return self

    def __reduce__(self):           # copy and pickle with the fix and kind (str's own drops them)
        return (Finding, (str(self), self.fix, self.kind))


class ControlledProperty:
    """What :func:`controlled` makes: called with the student's class it returns a
    PropertyResult; :meth:`search` gives the failing plan and Failure itself (for replays)."""

    def __init__(self, plans, title, fixes, globals_mode):
        functools.update_wrapper(self, plans)
        self.plans = plans
        self.title = title
        self.fixes = fixes or {}
        self.globals_mode = globals_mode
        self.exercise = plans.__module__.rsplit(".", 2)[-2]     # checks/<exercise>/controlled.py

    def globals_for(self, cls):
        """While the runs use ``cls``, patch the globals of the module defining it (see
        autograder.engine.hooks.simulated_globals: names bound by ``from time import ...``
        follow the virtual clock; with globals_mode "ids", id() and hash() of shared
        primitives differ between simulated processes, as between spawned processes). The
        judge's workers patch their own copy of the module (autograder.worker.stubs)."""
        namespace = getattr(sys.modules.get(getattr(cls, "__module__", ""), None), "__dict__", None)
        if self.globals_mode is None or namespace is None or isinstance(cls, RemoteClass):
            return contextlib.nullcontext()
        return hooks.simulated_globals(namespace, per_process_ids=self.globals_mode == "ids")

    def search(self, cls):
        """``(plan, failure, notes)``: the first plan that fails and its shrunk Failure (both
        None if every plan passed), and a note per plan that passed. ``cls`` is the answer's
        class (its code then runs here: a student's replay) or the judge's RemoteClass (its
        code runs in workers, each simulated process in one of its own)."""
        notes = []
        runtime = cls.session.runtime(self.globals_mode) if isinstance(cls, RemoteClass) else None
        try:
            with self.globals_for(cls):
                for plan in self.plans(cls):
                    failure, note = plan.explore(runtime)
                    if failure is not None:
                        return plan, failure, notes
                    notes.append(note)
        finally:
            if runtime is not None:
                runtime.close()
        return None, None, notes

    def __call__(self, cls) -> PropertyResult:
        plan, failure, notes = self.search(cls)
        if failure is None:
            return PropertyResult(self.title, True, "; ".join(filter(None, notes)))
        told = story(failure, STORY_STEPS)
        return PropertyResult(self.title, False, what_went_wrong(failure, told), plan.scenario.name,
                              render_steps(told, failure), fix_for({**self.fixes, **plan.fixes}, failure, told),
                              replay_call(self.exercise, self.__name__), kind=kind_of(failure, told))


def controlled(title: str, *, fixes: dict | None = None, globals_mode: str | None = None):
    """Make ``plans(cls)`` a controlled property. ``fixes`` maps a story pattern
    ("deadlock-cycle", "stale-wakeup", "lost-update", "lost-wakeup") or a failure kind
    ("check", "deadlock", "exception", "step-budget", ...) to the sentence that says how to
    fix it, or to a function ``(failure, story) -> sentence``; the pattern wins.
    ``globals_mode``: None, "time" (the student's ``from time import ...`` names follow the
    virtual clock) or "ids" (also id()/hash() differ per process, as under spawn)."""
    def wrap(plans):
        return ControlledProperty(plans, title, fixes, globals_mode)
    return wrap


# ---------------------------------------------------------------- the story's parts
def what_went_wrong(failure, told) -> str:
    """One sentence in the student's terms: the check's own, or what the deadlock is."""
    if failure.kind == FailureKind.DEADLOCK and told.summary:
        return f"Deadlock: {told.summary}"
    return failure.message


def kind_of(failure, told) -> str:
    """The failure's kind for its class: the check's own (a Finding's), else the story's
    pattern, else the engine's failure kind."""
    own = getattr(failure.message, "kind", "")
    return own or told.pattern or str(failure.kind)


def fix_for(fixes: dict, failure, told) -> str:
    """The fix the check gave (a Finding), else the one for the story's pattern, else for the
    failure's kind ("" if none applies)."""
    if isinstance(failure.message, Finding) and failure.message.fix:
        return failure.message.fix
    for key in (told.pattern, str(failure.kind)):
        fix = fixes.get(key) if key else None
        if callable(fix):
            fix = fix(failure, told)
        if fix:
            return fix
    return ""


def replay_call(exercise: str, prop: str) -> str:
    """The call, for a notebook, that replays a property's failing run on the answer."""
    return f'autograder.replay("{exercise}", "{prop}")'


def student_line(step) -> bool:
    """Whether ``step`` happened in the student's code (not in the grader's scenario)."""
    return bool(step.file and step.line and not os.path.abspath(step.file).startswith(_AUTOGRADER_DIR))


def render_steps(told, failure, *, every=None, width=40) -> str:
    """The story's steps, numbered as in the run, each with the student's line (its code the
    first time it appears), then the story's summary (unless it is already the message) and
    where a process raised. ``every``: render these steps instead (a replay shows them all),
    marking the story's ones with '*'."""
    steps = told.steps if every is None else every
    marked = {s.index for s in told.steps} if every is not None else set()
    pad = min(width, max((len(s.text) for s in steps), default=0))
    lines, shown = [], set()
    for s in steps:
        mark = "*" if s.index in marked else " "
        text = f"{mark} {s.index:>2}. {s.text:<{pad}}"
        if student_line(s):
            key = (s.file, s.line)
            text += f"  line {s.line}" + (f": {s.code}" if key not in shown and s.code else "")
            shown.add(key)
        lines.append(text.rstrip())
    if told.summary and failure.kind != FailureKind.DEADLOCK:
        lines.append(told.summary[0].upper() + told.summary[1:] + ".")
    if failure.kind == FailureKind.EXCEPTION and failure.traceback:
        lines.append(_raised_at(failure.traceback))
    return "\n".join(filter(None, lines))


def _raised_at(traceback: str) -> str:
    """'It raised at line N: code' from the engine's short traceback (student frames only)."""
    found = re.findall(r'File "([^"]+)", line (\d+), in \S+\n\s*(.*)', traceback)
    found = [(file, line, code) for file, line, code in found
             if not os.path.abspath(file).startswith(_AUTOGRADER_DIR)]
    if not found:
        return ""
    _, line, code = found[-1]
    return f"It raised at line {line}: {code.strip()}"

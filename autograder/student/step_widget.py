"""The click-to-step widget ``autograder.step(...)`` shows (ipywidgets), on a Stepper.

One button per process (disabled while it cannot move; its label says what it would do),
Undo and Reset; the code with each process's current line marked; the shared state (values,
who holds each lock, who waits); every step so far and the swim-lane picture; the schedule so
far as the list a puzzle answer takes, with a button that copies it into the answer variable.
Every click re-runs the scenario along the schedule (autograder.student.stepping), so Undo
is just a shorter schedule.
"""
from __future__ import annotations

import html
import inspect

from .pictures import COLORS, plot_steps, show_figure

__all__ = ["StepWidget"]

_PROCESS_COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def _color(pid: int) -> str:
    return _PROCESS_COLORS[(pid - 1) % len(_PROCESS_COLORS)]


class StepWidget:
    """The widget for one Stepper; ``variable``: the puzzle's answer variable (or None),
    ``cls``: the class whose code is shown."""

    def __init__(self, stepper, *, cls=None, variable: str | None = None):
        import ipywidgets as w

        self.stepper = stepper
        self.variable = variable
        self.schedule: list[int] = []
        self._lengths: list[int] = []          # the schedule's length before each click (Undo)
        self.source = _source_lines(cls)
        self.title = w.HTML(f"<b>{html.escape(stepper.title)}</b>")
        self.buttons = [w.Button(description=f"P{pid}", layout=w.Layout(width="auto"),
                                 tooltip=f"let P{pid} take one step") for pid in range(1, stepper.processes + 1)]
        for pid, button in enumerate(self.buttons, 1):
            button.on_click(lambda _, pid=pid: self.click(pid))
            button.add_class(f"course-step-P{pid}")
        self.undo = w.Button(description="Undo", icon="undo", layout=w.Layout(width="auto"))
        self.reset = w.Button(description="Reset", icon="refresh", layout=w.Layout(width="auto"))
        self.undo.on_click(lambda _: self.back())
        self.reset.on_click(lambda _: self.restart())
        self.code = w.HTML()
        self.state = w.HTML()
        self.steps = w.HTML()
        self.outcome = w.HTML()
        self.picture = w.Output()
        self.schedule_text = w.HTML()
        self.copy = w.Button(description=f"Copy into {variable}" if variable else "", icon="copy",
                             layout=w.Layout(width="auto", display=None if variable else "none"))
        self.copy.on_click(lambda _: self.copy_schedule())
        self.copied = w.HTML()
        self.view = w.VBox([
            self.title,
            w.HBox([*self.buttons, self.undo, self.reset]),
            self.outcome,
            w.HBox([self.code, self.state], layout=w.Layout(align_items="flex-start")),
            w.HBox([self.schedule_text, self.copy, self.copied], layout=w.Layout(align_items="center")),
            self.picture,
            self.steps,
        ])
        self.view.add_class("course-step-widget")
        self.refresh()

    # ------------------------------------------------------------------ actions
    def click(self, pid: int) -> None:
        """Let process ``pid`` take its next step (the entries that step needs, usually one)."""
        position = self.stepper.position(self.schedule)
        if position.next_steps.get(pid) is None:
            return
        self._lengths.append(len(self.schedule))
        self.schedule = self.schedule + [pid] * position.entries[pid]
        self.copied.value = ""
        self.refresh()

    def back(self) -> None:
        if self._lengths:
            self.schedule = self.schedule[:self._lengths.pop()]
            self.copied.value = ""
            self.refresh()

    def restart(self) -> None:
        self.schedule, self._lengths = [], []
        self.copied.value = ""
        self.refresh()

    def copy_schedule(self) -> None:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or not self.variable:
            return
        shell.user_ns[self.variable] = list(self.schedule)
        self.copied.value = (f"<code>{self.variable} = {self.schedule}</code> is set: run the check cell "
                             f"(and put the list in your answer cell, which is what gets graded)")

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        """Redraw everything for the schedule so far: the picture first, the outcome last (so
        that whoever sees the outcome sees the picture of the same position)."""
        position = self.stepper.position(self.schedule)
        self.picture.clear_output(wait=True)
        if position.steps:
            with self.picture:
                show_figure(plot_steps(position.steps, marked=position.decisive, show=False,
                                       title=f"{self.stepper.title}: the steps so far"))
        for pid, button in enumerate(self.buttons, 1):
            step = position.next_steps.get(pid)
            button.disabled = step is None
            if step is not None:
                button.description = f"P{pid}: {_verb(step)}"
            elif pid in position.finished:
                button.description = f"P{pid}: finished"
            else:
                button.description = f"P{pid}: waits"
        self.undo.disabled = not self.schedule
        self.reset.disabled = not self.schedule
        self.code.value = self._code_html(position)
        self.state.value = _state_html(position)
        self.steps.value = _steps_html(position)
        name = self.variable or "schedule"
        self.schedule_text.value = f"<code>{name} = {self.schedule}</code>&nbsp;"
        self.copy.disabled = not self.schedule
        if position.over:
            color = "#b00020" if position.broken else "#1b5e20"
            self.outcome.value = f"<div style='color:{color};font-weight:bold'>{html.escape(position.outcome)}</div>"
        else:
            self.outcome.value = ("<div style='color:#555'>Click a process to let it take one step "
                                  "(one operation on a shared object).</div>")

    def _code_html(self, position) -> str:
        if not self.source:
            return ""
        path, first, lines = self.source
        marks: dict[int, list[str]] = {}
        for pid in range(1, self.stepper.processes + 1):
            step = position.next_steps.get(pid)
            how = "next"
            if step is None:
                if pid in position.finished:
                    continue
                step = next((s for s in reversed(position.steps) if s.pid == pid), None)
                how = "waits here"
            if step is not None and step.file == path and step.line is not None:
                marks.setdefault(step.line, []).append(
                    f"<span style='color:{_color(pid)};font-weight:bold'>◀ P{pid} {how}</span>")
        rows = []
        for k, text in enumerate(lines):
            number = first + k
            style = "background:#fff3c4;" if number in marks else ""
            rows.append(f"<span style='{style}'>{html.escape(text.rstrip())}</span>"
                        + ("  " + " ".join(marks[number]) if number in marks else ""))
        return ("<pre style='font-size:12px;line-height:1.35;margin:0 12px 0 0'>" + "\n".join(rows)
                + "</pre>")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.view)


def _verb(step) -> str:
    """What a button says its process would do: 'acquires _lock', 'blocks on _lock'."""
    text = f"{step.verb} {step.target}".strip()
    return text if len(text) <= 32 else text[:31] + "…"


def _source_lines(cls):
    if cls is None:
        return None
    try:
        lines, first = inspect.getsourcelines(cls)
        return inspect.getsourcefile(cls), first, lines
    except (OSError, TypeError):
        return None


def _state_html(position) -> str:
    rows = []
    for name, value in sorted(position.values.items()):
        rows.append(f"<tr><td><code>{html.escape(name)}</code></td><td>= {html.escape(value)}</td></tr>")
    objects = list(dict.fromkeys([*position.holders, *position.waiters]))
    for k, name in enumerate(objects):
        holders = ", ".join(position.holders.get(name, [])) or "nobody"
        waiters = ", ".join(position.waiters.get(name, []))
        color = COLORS[k % len(COLORS)].replace("tab:", "")
        rows.append(f"<tr><td><code style='color:{color}'>{html.escape(name)}</code></td>"
                    f"<td>held by {html.escape(holders)}"
                    + (f"; waiting: {html.escape(waiters)}" if waiters else "") + "</td></tr>")
    if not rows:
        rows.append("<tr><td colspan=2>nothing read, written or locked yet</td></tr>")
    finished = ", ".join(f"P{p}" for p in position.finished)
    if finished:
        rows.append(f"<tr><td>finished</td><td>{finished}</td></tr>")
    return "<table style='font-size:12px'><tr><th colspan=2>shared state</th></tr>" + "".join(rows) + "</table>"


def _steps_html(position) -> str:
    if not position.steps:
        return ""
    decisive = {s.index for s in position.decisive}
    items = []
    for s in position.steps:
        mark = "* " if s.index in decisive else "  "
        where = f"   ({html.escape(s.code)})" if s.code else ""
        items.append(f"{mark}{s.index:>2}. <span style='color:{_color(s.pid)}'>{html.escape(s.text)}</span>{where}")
    return "<pre style='font-size:12px;margin:0'>" + "\n".join(items) + "</pre>"

"""A swim-lane picture of a controlled run: one row per process, one column per step.

``plot_steps(steps)`` draws the engine's Step records (autograder.engine.Step, as a
controlled run or a "you are the scheduler" replay logs them) the way ``course.timeline``
draws a real run (the two share COLORS and show_figure): in each process's row a solid
bar while it holds a lock, a hatched bar while it waits (blocked on a lock, or in
``Condition.wait``), a dot for each read and a square for each write of shared memory, a
star for a ``notify()`` and a plus for a ``notify_all()``. A process that holds two locks
at once (or holds one while it waits for another) gets one lane per lock, so no bar hides
another. The x axis counts steps, not milliseconds (a controlled run has no real time).
``marked`` steps (the decisive ones the feedback names) get their number above the row. A
bar still open at the end (a deadlock) ends in a red edge.
"""
from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

#: one colour per lock or condition, in order of appearance (course.timeline uses them too)
COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink",
          "tab:olive", "tab:cyan", "tab:red"]

#: (offset, height) inside a row of height 1, for all the lanes of one state together
_HOLD = (0.52, 0.40)
_WAIT = (0.12, 0.32)
#: marker, legend label; notify steps are told apart by their line of code (notify_all()
#: logs the same "notifies" step as notify())
_MARKERS = {"reads": ("o", "read shared memory"), "writes": ("s", "wrote shared memory"),
            "notify": ("*", "notify()"), "notify_all": ("P", "notify_all()"),
            "notifies": ("*", "notify() or notify_all()"), "sets": ("^", "set()"),
            "times out": ("x", "timed out")}
_TITLE_WIDTH = 80


def intervals(steps):
    """``[(process, state, object, start, end, open)]``: holds and waits, in step numbers
    (a bar covers steps start..end); ``open`` when it lasted to the end of the run."""
    found, holding, waiting = [], {}, {}
    last = max((s.index for s in steps), default=0)

    def close(table, key, end, state):
        start = table.pop(key, None)
        if start is not None:
            found.append((key[0], state, key[1], start, end, False))

    for s in steps:
        if not s.pid:
            continue
        p = s.process
        if s.verb == "acquires":
            close(waiting, (p, s.target), s.index, "waiting")
            holding.setdefault((p, s.target), s.index)
        elif s.verb == "releases":
            close(holding, (p, s.target), s.index, "holding")
        elif s.verb == "blocks on":
            waiting.setdefault((p, s.target), s.index)
        elif s.verb == "times out":
            close(waiting, (p, s.target), s.index, "waiting")
        elif s.verb == "waits on":
            if s.other:                                  # Condition.wait releases its lock
                close(holding, (p, s.other), s.index, "holding")
            waiting.setdefault((p, s.target), s.index)
        elif s.verb == "wakes up on":
            close(waiting, (p, s.target), s.index, "waiting")
        elif s.verb == "finishes":
            for key in [k for k in holding if k[0] == p]:
                close(holding, key, s.index, "holding")
    for table, state in ((holding, "holding"), (waiting, "waiting")):
        for (p, obj), start in table.items():
            found.append((p, state, obj, start, last + 0.5, True))
    return sorted(found, key=lambda i: (i[3], i[0]))


def lanes(bars):
    """Stack the overlapping bars of one process and state: ``(lane_of, count)`` where
    ``lane_of[k]`` is bar k's lane (0, 1, ...) and ``count[(process, state)]`` how many
    lanes that process needs for that state. Bars are ``(process, state, ..., start, end,
    ...)`` as :func:`intervals` returns them (course.timeline stacks its bars the same way)."""
    lane_of, busy = {}, {}
    order = sorted(range(len(bars)), key=lambda k: (bars[k][3], -bars[k][4]))
    for k in order:
        process, state, _, start, end = bars[k][:5]
        ends = busy.setdefault((process, state), [])
        free = next((lane for lane, until in enumerate(ends) if until < start), None)
        if free is None:
            ends.append(end)
            free = len(ends) - 1
        else:
            ends[free] = end
        lane_of[k] = free
    return lane_of, {key: len(ends) for key, ends in busy.items()}


def marker_of(step) -> str | None:
    """The key in _MARKERS for a step drawn as a marker, or None."""
    if step.verb == "notifies":
        code = step.code or ""
        return "notify_all" if "notify_all" in code else "notify" if "notify" in code else "notifies"
    return step.verb if step.verb in _MARKERS else None


def plot_steps(steps, *, marked=(), title="The run, step by step", show=True):
    """Draw ``steps`` (see the module docstring); displays the figure in a notebook, or
    returns it when ``show`` is False."""
    steps = [s for s in steps if s.pid]
    rows = sorted({s.process for s in steps}, key=lambda p: int(p[1:]))
    row_of = {p: k for k, p in enumerate(rows)}
    bars = intervals(steps)
    lane_of, lane_count = lanes(bars)
    objects = list(dict.fromkeys(i[2] for i in bars))
    color_of = {name: COLORS[k % len(COLORS)] for k, name in enumerate(objects)}
    last = max((s.index for s in steps), default=1)
    title = textwrap.fill(title, _TITLE_WIDTH)
    height = 1.6 + 0.18 * title.count("\n") + 0.65 * max(2, len(rows))
    fig = Figure(figsize=(min(14.0, max(8.0, 3.5 + 0.3 * last)), height), layout="constrained")
    ax = fig.subplots()
    used = set()
    for k, (process, state, obj, start, end, is_open) in enumerate(bars):
        offset, total = _HOLD if state == "holding" else _WAIT
        height_of_one = total / lane_count[(process, state)]
        y = row_of[process] + offset + lane_of[k] * height_of_one
        span = (start - 0.4, max(end - start + 0.8, 0.8) if not is_open else end - start + 0.4)
        if state == "holding":
            ax.broken_barh([span], (y, height_of_one), facecolors=color_of[obj], edgecolor="black",
                           linewidth=0.5)
        else:
            ax.broken_barh([span], (y, height_of_one), facecolors="white", hatch="///",
                           edgecolor=color_of[obj], linewidth=0.8)
        used.add((state, obj))
        if is_open:
            ax.plot([span[0] + span[1]] * 2, [y, y + height_of_one], color="red", linewidth=2.5)
            used.add(("open", ""))
    marked = {getattr(s, "index", s) for s in marked}
    for s in steps:
        y = row_of[s.process]
        key = marker_of(s)
        if key is not None:
            symbol, _ = _MARKERS[key]
            ax.plot(s.index, y + 0.47, marker=symbol, color="black", markersize=6, linestyle="none")
            used.add(("marker", key))
        if s.index in marked:
            ax.annotate(str(s.index), (s.index, y + 0.06), ha="center", va="center", fontsize=7,
                        color="darkred", fontweight="bold")
    ax.set_yticks([k + 0.5 for k in range(len(rows))], rows)
    ax.set_ylim(len(rows) + 0.05, -0.05)           # P1 on top
    ax.set_xlim(0.3, last + 0.7)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("step" + ("\n(the numbers in red are the steps the feedback names)" if marked else ""))
    ax.set_ylabel("process")
    ax.set_title(title, fontsize="medium")
    ax.grid(axis="x", linestyle=":", linewidth=0.5)
    handles = []
    for obj in objects:
        if ("holding", obj) in used:
            handles.append(Patch(facecolor=color_of[obj], edgecolor="black", label=f"holding {obj}"))
        if ("waiting", obj) in used:
            handles.append(Patch(facecolor="white", hatch="///", edgecolor=color_of[obj],
                                 label=f"waiting for {obj}"))
    for key, (symbol, label) in _MARKERS.items():
        if ("marker", key) in used:
            handles.append(Line2D([], [], marker=symbol, color="black", linestyle="none", label=label))
    if ("open", "") in used:
        handles.append(Patch(facecolor="red", label="still waiting or holding\nat the end"))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                  frameon=False)
    if not show:
        return fig
    show_figure(fig)
    return None


def show_figure(fig) -> None:
    """Display a figure in the notebook as a PNG, whatever matplotlib backend is active."""
    import io

    try:
        from IPython.display import Image, display
    except ImportError:      # pragma: no cover - plain Python
        return
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    display(Image(data=buffer.getvalue(), format="png"))

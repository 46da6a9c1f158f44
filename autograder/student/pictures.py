"""A swim-lane picture of a controlled run: one row per process, one column per step.

``plot_steps(steps)`` draws the engine's Step records (autograder.engine.Step, as a
controlled run or a "you are the scheduler" replay logs them) the way ``course.timeline``
draws a real run (the two share COLORS and show_figure): in each process's row a solid
bar while it holds a lock, a hatched bar while it waits (blocked on a lock, or in ``Condition.wait``), a dot for each read and a
square for each write of shared memory, a star for a notify. The x axis counts steps, not
milliseconds (a controlled run has no real time). ``marked`` steps (the decisive ones the
feedback names) get their number above the row. A bar still open at the end (a deadlock)
ends in a red edge.
"""
from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

#: one colour per lock or condition, in order of appearance (course.timeline uses them too)
COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown", "tab:pink",
          "tab:olive", "tab:cyan", "tab:red"]

_HOLD = (0.55, 0.35)        # (offset, height) inside a row of height 1
_WAIT = (0.15, 0.3)
_MARKERS = {"reads": ("o", "read shared memory"), "writes": ("s", "wrote shared memory"),
            "notifies": ("*", "notify()"), "sets": ("^", "set()"), "times out": ("x", "timed out")}


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


def plot_steps(steps, *, marked=(), title="The run, step by step", show=True):
    """Draw ``steps`` (see the module docstring); displays the figure in a notebook, or
    returns it when ``show`` is False."""
    steps = [s for s in steps if s.pid]
    rows = sorted({s.process for s in steps}, key=lambda p: int(p[1:]))
    row_of = {p: k for k, p in enumerate(rows)}
    bars = intervals(steps)
    objects = list(dict.fromkeys(i[2] for i in bars))
    color_of = {name: COLORS[k % len(COLORS)] for k, name in enumerate(objects)}
    last = max((s.index for s in steps), default=1)
    fig = Figure(figsize=(min(14, 3 + 0.28 * last), 1.3 + 0.6 * max(2, len(rows))), layout="constrained")
    ax = fig.subplots()
    used = set()
    for process, state, obj, start, end, is_open in bars:
        offset, height = _HOLD if state == "holding" else _WAIT
        y = row_of[process] + offset
        span = (start - 0.4, max(end - start + 0.8, 0.8) if not is_open else end - start + 0.4)
        if state == "holding":
            ax.broken_barh([span], (y, height), facecolors=color_of[obj], edgecolor="black", linewidth=0.5)
        else:
            ax.broken_barh([span], (y, height), facecolors="white", hatch="///", edgecolor=color_of[obj],
                           linewidth=0.8)
        used.add((state, obj))
        if is_open:
            ax.plot([span[0] + span[1]] * 2, [y, y + height], color="red", linewidth=2.5)
            used.add(("open", ""))
    marked = {getattr(s, "index", s) for s in marked}
    for s in steps:
        y = row_of[s.process]
        if s.verb in _MARKERS:
            symbol, _ = _MARKERS[s.verb]
            ax.plot(s.index, y + 0.45, marker=symbol, color="black", markersize=6, linestyle="none")
            used.add(("marker", s.verb))
        if s.index in marked:
            ax.annotate(str(s.index), (s.index, y + 0.08), ha="center", va="center", fontsize=7,
                        color="darkred", fontweight="bold")
    ax.set_yticks([k + 0.5 for k in range(len(rows))], rows)
    ax.set_ylim(len(rows) + 0.05, -0.05)           # P1 on top
    ax.set_xlim(0.3, last + 0.7)
    ax.set_xlabel("step" + (" (the numbers in red are the steps the feedback names)" if marked else ""))
    ax.set_ylabel("process")
    ax.set_title(title)
    ax.grid(axis="x", linestyle=":", linewidth=0.5)
    handles = []
    for obj in objects:
        if ("holding", obj) in used:
            handles.append(Patch(facecolor=color_of[obj], edgecolor="black", label=f"holding {obj}"))
        if ("waiting", obj) in used:
            handles.append(Patch(facecolor="white", hatch="///", edgecolor=color_of[obj],
                                 label=f"waiting for {obj}"))
    for verb, (symbol, label) in _MARKERS.items():
        if ("marker", verb) in used:
            handles.append(Line2D([], [], marker=symbol, color="black", linestyle="none", label=label))
    if ("open", "") in used:
        handles.append(Patch(facecolor="red", label="still going at the end"))
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

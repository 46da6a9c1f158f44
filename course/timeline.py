"""Timelines of real runs: who waited for, held, or worked on what, and when.

``plot(trace)`` draws a Gantt chart (one row per process, time in milliseconds) from a
``course.tracing.Trace``: in each row, a grey bar (top) while the process works on a
named activity, a hatched bar (middle) while it waits for a primitive, a solid bar
(bottom) while it holds one. Bars still open when the trace ended (a deadlock, say) end in a
red edge.
A process that takes an ``RLock`` it already holds (reading a ``Value`` takes the Value's own
lock again) gets a small tick on its bar, not a bar of its own: it never waited, and the lock
stays held until the outermost release.
"""
from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from autograder.student.pictures import COLORS, show_figure

# Activities (work) are grey; a second or third activity in one run gets a light colour.
_ACTIVITY_COLORS = ["0.6", "#9ecae1", "#fdae6b", "#a1d99b"]
# vertical placement inside a process's row (row height 1): (offset, height)
_LANES = {"working": (0.06, 0.22), "waiting": (0.32, 0.24), "holding": (0.60, 0.32)}


def plot(trace, *, title: str = "Who held and waited for what", ax=None, occupancy: str | None = None,
         processes: list[str] | None = None, show: bool = True):
    """Draw ``trace`` as a Gantt chart.

    ``occupancy``: also plot, below, how many processes held that primitive at each moment.
    ``ax``: draw into these axes (then nothing is displayed and the axes are returned).
    Otherwise a new figure is made and displayed, and returned only if ``show`` is False.
    """
    intervals = trace.intervals()
    if ax is not None:
        _draw(ax, trace, intervals, title, processes)
        return ax
    fig = Figure(figsize=(9, 1.2 + 0.55 * max(2, len(processes or trace.processes)) + (1.6 if occupancy else 0)),
                 layout="constrained")
    if occupancy:
        gantt, occ = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
        _draw(gantt, trace, intervals, title, processes)
        gantt.set_xlabel("")
        _draw_occupancy(occ, trace, occupancy)
    else:
        _draw(fig.subplots(), trace, intervals, title, processes)
    if not show:
        return fig
    show_figure(fig)
    return None


def _draw(ax, trace, intervals, title, processes):
    rows = processes or [p for p in trace.processes if any(i.process == p for i in intervals)] \
        or trace.processes
    row_of = {p: k for k, p in enumerate(rows)}
    primitives = [name for name, kind in trace.kinds.items() if kind != "activity"]
    color_of = {name: COLORS[k % len(COLORS)] for k, name in enumerate(primitives)}
    activity_color = {name: _ACTIVITY_COLORS[k % len(_ACTIVITY_COLORS)] for k, name in
                      enumerate(n for n, kind in trace.kinds.items() if kind == "activity")}
    ms = 1000.0
    used = set()
    activities = []
    intervals, reentries = _without_reentries(intervals)
    lane_of, lanes = _sublanes(intervals)
    for i in intervals:
        if i.process not in row_of:
            continue
        offset, height = _LANES[i.state]
        height /= lanes[(i.process, i.state)]
        y = row_of[i.process] + offset + lane_of[id(i)] * height
        span = (i.start * ms, max(i.duration * ms, 0.05))
        if i.state == "working":
            ax.broken_barh([span], (y, height), facecolors=activity_color.get(i.primitive, "0.6"),
                           edgecolor="0.35", linewidth=0.5)
            if i.primitive not in activities:
                activities.append(i.primitive)
        elif i.state == "holding":
            ax.broken_barh([span], (y, height), facecolors=color_of.get(i.primitive, "0.3"),
                           edgecolor="black", linewidth=0.5)
            used.add(("holding", i.primitive))
        else:
            ax.broken_barh([span], (y, height), facecolors="white", hatch="///",
                           edgecolor=color_of.get(i.primitive, "0.3"), linewidth=0.8)
            used.add(("waiting", i.primitive))
        if i.open:
            ax.plot([i.end * ms] * 2, [y, y + height], color="red", linewidth=2.5)
            used.add(("open", ""))
    for i in reentries:
        if i.process in row_of:
            ax.plot(i.start * ms, row_of[i.process] + _LANES["holding"][0] - 0.03, marker="v", color="black",
                    markersize=4, linestyle="none")
            used.add(("marker", "reentry"))
    markers = {"set": ("^", "black", "set()"), "clear": ("v", "black", "clear()"),
               "notify": ("*", "black", "notify()"), "notify_all": ("P", "black", "notify_all()"),
               "timeout": ("x", "red", "gave up (timeout)"),
               "wait timeout": ("x", "darkorange", "wait() timed out; it looks again"),
               "reentry": ("v", "black", "took the RLock it already holds\n(a re-entry: no wait, no new bar)")}
    for e in trace.events:
        event = e.event
        if event == "timeout" and trace.kinds.get(e.primitive) == "condition":
            event = "wait timeout"       # not giving up: wait_for and while loops look again
        if event in markers and event != "reentry" and e.process in row_of:
            symbol, color, _ = markers[event]
            ax.plot(e.t * ms, row_of[e.process] + 0.45, marker=symbol, color=color, markersize=8,
                    linestyle="none")
            used.add(("marker", event))
    ax.set_yticks([k + 0.5 for k in range(len(rows))], rows)
    ax.set_ylim(len(rows) + 0.1, -0.1)          # P1 on top
    ax.set_xlim(left=min([0.0] + [i.start * ms for i in intervals]))
    ax.set_xlabel("time since the processes started (ms)")
    ax.set_ylabel("process")
    ax.set_title(title)
    ax.grid(axis="x", linestyle=":", linewidth=0.5)
    handles = []
    for name in primitives:
        desc = trace.describe(name)
        if ("holding", name) in used:
            handles.append(Patch(facecolor=color_of[name], edgecolor="black", label=f"holding {desc}"))
        if ("waiting", name) in used:
            kind = trace.kinds.get(name)
            label = (f"blocked in {name}" if kind == "call" else
                     f"waiting on {desc}" if kind in ("event", "barrier", "condition") else
                     f"waiting for {desc}")
            handles.append(Patch(facecolor="white", hatch="///", edgecolor=color_of[name],
                                 label=label))
    if len({activity_color[a] for a in activities}) == 1:
        handles.append(Patch(facecolor=activity_color[activities[0]], edgecolor="0.35",
                             label="working: " + ", ".join(activities)))
    else:
        for a in activities:
            handles.append(Patch(facecolor=activity_color[a], edgecolor="0.35", label=f"working: {a}"))
    for event, (symbol, color, label) in markers.items():
        if ("marker", event) in used:
            handles.append(Line2D([], [], marker=symbol, color=color, linestyle="none", label=label))
    if ("open", "") in used:
        handles.append(Patch(facecolor="red", label="still going at the end"))
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                  frameon=False)


def _without_reentries(intervals):
    """``(drawn, reentries)``: a hold that lies inside a hold of the same process on the same
    primitive is a re-entry (an RLock taken again by its holder), drawn as a tick; a wait that
    lies inside its own process's hold of that primitive (the holder asking again) is dropped."""
    holds = [i for i in intervals if i.state == "holding"]

    def inside(i, outer):
        return (outer is not i and outer.process == i.process and outer.primitive == i.primitive
                and outer.start <= i.start and i.end <= outer.end
                and (outer.start, -outer.end) < (i.start, -i.end))

    drawn, reentries = [], []
    for i in intervals:
        if i.state == "working" or not any(inside(i, h) for h in holds):
            drawn.append(i)
        elif i.state == "holding":
            reentries.append(i)
    return drawn, reentries


def _sublanes(intervals):
    """Stack overlapping bars of one process and state (holding two locks at once, say):
    returns each interval's sub-lane, and how many sub-lanes each (process, state) needs."""
    lane_of, lanes = {}, {}
    ends: dict[tuple, list[float]] = {}
    for i in sorted(intervals, key=lambda i: (i.start, -i.end)):
        key = (i.process, i.state)
        busy = ends.setdefault(key, [])
        free = next((k for k, end in enumerate(busy) if end <= i.start), None)
        if free is None:
            busy.append(i.end)
            free = len(busy) - 1
        else:
            busy[free] = i.end
        lane_of[id(i)] = free
    for key, busy in ends.items():
        lanes[key] = len(busy)
    return lane_of, lanes


def _draw_occupancy(ax, trace, primitive):
    steps = trace.occupancy(primitive)
    xs = [t * 1000.0 for t, _ in steps]
    ys = [level for _, level in steps]
    ax.step(xs, ys, where="post", color="black", label=f"holders of {primitive}")
    ax.set_ylabel("holders")
    ax.set_xlabel("time since the processes started (ms)")
    ax.set_ylim(bottom=0, top=max(ys) + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    ax.grid(axis="both", linestyle=":", linewidth=0.5)

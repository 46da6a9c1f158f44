"""Plots for the contention lab.

Every function takes a :class:`~course.contention.harness.SweepResult` (or its list of
rows), returns a ``matplotlib.figure.Figure`` built without pyplot (so it works under the
Agg backend, in scripts and in notebooks, and is shown exactly once when it is the value of
a notebook cell), and attaches a ``caption`` string that says what to notice in *these*
numbers. ``caption(fig)`` returns it; ``save=path`` also writes a PNG.

=========================  ===========================================================
``plot_throughput``        throughput against processes, one line per strategy
``plot_ns_per_op``         cost per operation, with the uncontended floor
``plot_usl``               Universal Scalability Law and Amdahl fits for one strategy
``plot_lost_updates``      what the unsynchronized counter loses
``plot_wait_hold``         per process: waiting for the lock, holding it, other work
``plot_work_placement``    the same work inside versus outside the critical section
``plot_queues``            items per second for the message-passing strategies
``plot_all``               all of the above (that the data allows), optionally saved
=========================  ===========================================================
"""
from __future__ import annotations

import math
import statistics
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from .captions import scaling_sentences, usl_caption, wait_share_sentence
from .results import aggregate, select
from .usl import fit_usl
from .workers import COUNTER_STRATEGIES, QUEUE_STRATEGIES, STRATEGY_LABELS

__all__ = [
    "caption",
    "plot_throughput",
    "plot_ns_per_op",
    "plot_usl",
    "plot_lost_updates",
    "plot_wait_hold",
    "plot_work_placement",
    "plot_queues",
    "plot_all",
    "usl_for",
]

_COLORS = {s: f"C{i}" for i, s in enumerate(COUNTER_STRATEGIES)}
_COLORS.update({s: f"C{i}" for i, s in enumerate(QUEUE_STRATEGIES, start=len(COUNTER_STRATEGIES))})


def caption(fig) -> str:
    """The caption attached to a figure made by this module ('' for any other figure)."""
    return getattr(fig, "caption", "")


def _rows(data):
    return list(getattr(data, "rows", data))


def _legend(ax, **kw):
    """The legend to the right of the axes, where it cannot cover data or labels."""
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
              frameon=False, **kw)


def _new_figure(width=8.8, height=4.2, ncols=1, sharey=False):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols, sharey=sharey, squeeze=False)[0]
    return fig, axes


def _finish(fig, text, save):
    fig.caption = text
    if save:
        path = Path(save)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=110)
    return fig


def _cores_line(ax, rows, max_n, extra=0):
    """Dotted line where the processes (N + ``extra``) fill every CPU core."""
    cores = next((r.get("cpu_count") for r in rows if r.get("cpu_count")), None)
    at = cores - extra if cores else None
    if at and 1 <= at < max_n:
        # labelled in the legend (outside the axes), where data points cannot cover it
        label = f"{cores} CPU cores" if not extra else f"N + {extra} = {cores} CPU cores"
        ax.axvline(at, color="0.5", ls=":", lw=1, label=label)
    return cores


def _eng(ax):
    """Plain-language tick labels on a linear axis: 200k, 1.5M instead of 1e6 offsets."""
    from matplotlib.ticker import EngFormatter

    ax.yaxis.set_major_formatter(EngFormatter(unit="", sep=""))


def _series(rows, value="throughput", **where):
    """Sorted (n, median, low, high) arrays for rows matching ``where``; spread = min..max."""
    agg = sorted(aggregate(select(rows, **where), value), key=lambda a: a["processes"])
    n = np.array([a["processes"] for a in agg], dtype=float)
    med = np.array([a["median"] for a in agg])
    lo = np.array([a["min"] for a in agg])
    hi = np.array([a["max"] for a in agg])
    reps = max((a["n"] for a in agg), default=0)
    return n, med, lo, hi, reps


def _errorbar(ax, n, med, lo, hi, **kw):
    yerr = np.vstack([med - lo, hi - med])
    return ax.errorbar(n, med, yerr=yerr, capsize=3, marker="o", ms=4, lw=1.5, **kw)


def _median(rows, value, **where):
    vals = [r[value] for r in select(rows, **where) if r.get(value) is not None]
    return statistics.median(vals) if vals else None


def _fmt_rate(x):
    if x is None:
        return "?"
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g}{unit}"
    return f"{x:.3g}"


def _missing_queue(data) -> str | None:
    """Why the student's BoundedQueue was not measured (first line only), or None."""
    info = getattr(data, "meta", {}).get("bounded_queue") or {}
    why = info.get("error") or info.get("note")
    return why.splitlines()[0].rstrip(".") if why else None


def _strategies_in(rows, candidates):
    present = {r["strategy"] for r in rows}
    return [s for s in candidates if s in present]


# --------------------------------------------------------------------------------------

def plot_throughput(data, *, sweep: str = "strategies", strategies=None, logy: bool = True,
                    save=None) -> Figure:
    """Median throughput against processes, one line per strategy; bars span min..max."""
    rows = select(_rows(data), sweep=sweep)
    if not rows:
        raise ValueError(f"no rows for sweep {sweep!r}")
    queue = rows[0]["kind"] == "queue"
    order = QUEUE_STRATEGIES if queue else COUNTER_STRATEGIES
    strategies = strategies or _strategies_in(rows, order)
    fig, (ax,) = _new_figure()
    max_n = max(r["processes"] for r in rows)
    reps = 0
    for s in strategies:
        n, med, lo, hi, r = _series(rows, strategy=s)
        if len(n):
            reps = max(reps, r)
            _errorbar(ax, n, med, lo, hi, label=STRATEGY_LABELS.get(s, s), color=_COLORS.get(s))
    cores = _cores_line(ax, rows, max_n, extra=1 if queue else 0)
    if logy:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
        _eng(ax)
    unit = "items" if queue else "increments"
    ax.set_xlabel("producer processes (N), plus one consumer" if queue else "processes (N)")
    ax.set_ylabel(f"throughput ({unit} per second{', log scale' if logy else ''})")
    ax.set_title("Message passing: N producers, one consumer" if queue
                 else "Throughput of one shared counter as processes are added")
    ax.set_xticks(sorted({r["processes"] for r in rows}))
    ax.grid(True, which="major", alpha=0.3)
    _legend(ax)

    lines = [f"Lines are medians of {reps} repeats; bars span the fastest and slowest repeat."]
    n_hi = max_n
    if queue:
        missing = _missing_queue(data)
        if missing:
            lines.append(f"Your BoundedQueue is not in this plot: {missing}.")
        best = max(strategies, key=lambda s: _median(rows, "throughput", strategy=s,
                                                     processes=n_hi) or 0)
        lines.append(f"With {n_hi} producers the fastest channel is {STRATEGY_LABELS[best]} "
                     f"({_fmt_rate(_median(rows, 'throughput', strategy=best, processes=n_hi))} "
                     "items/s). Adding producers cannot help much: one consumer takes the items "
                     "out one at a time, so it sets the pace.")
    else:
        lines += scaling_sentences(rows, [s for s in ("sharded", "batched", "value_lock", "lock")
                                          if s in strategies], n_hi)
        lines.append("The unsynchronized counter looks fastest, but it is wrong: see the "
                     "lost-updates plot.")
    if cores and cores < max_n + (1 if queue else 0):
        lines.append(f"Right of the dotted line there are more processes than the {cores} CPU "
                     "cores, so extra processes only take turns.")
    return _finish(fig, " ".join(lines), save)


def plot_queues(data, *, save=None, logy=False) -> Figure:
    """Items per second for the message-passing strategies (``queues`` sweep)."""
    return plot_throughput(data, sweep="queues", logy=logy, save=save)


def plot_ns_per_op(data, *, sweep: str = "strategies", strategies=None, save=None) -> Figure:
    """Wall-clock nanoseconds per increment against processes, with the uncontended floor:
    the cost of one Lock-protected increment measured in a single process."""
    rows = select(_rows(data), sweep=sweep)
    if not rows:
        raise ValueError(f"no rows for sweep {sweep!r}")
    strategies = strategies or _strategies_in(rows, COUNTER_STRATEGIES)
    fig, (ax,) = _new_figure()
    max_n = max(r["processes"] for r in rows)
    for s in strategies:
        n, med, lo, hi, _ = _series(rows, "ns_per_op", strategy=s)
        if len(n):
            _errorbar(ax, n, med, lo, hi, label=STRATEGY_LABELS.get(s, s), color=_COLORS.get(s))
    ones = [r["ns_per_op"] for r in select(rows, strategy="lock", processes=1)]
    floor = min(ones) if ones else None
    if floor:
        ax.axhline(floor, color="k", ls="--", lw=1,
                   label=f"floor: uncontended Lock,\n1 process, best repeat\n= {floor:.0f} ns")
    _cores_line(ax, rows, max_n)
    ax.set_yscale("log")
    ax.set_xlabel("processes (N)")
    ax.set_ylabel("wall-clock time per increment (ns, log scale)")
    ax.set_title("Cost of one increment, all processes together")
    ax.set_xticks(sorted({r["processes"] for r in rows}))
    ax.grid(True, which="both", alpha=0.3)
    _legend(ax)
    text = ("Each point is total wall time divided by all increments, so perfect scaling "
            "would halve it every time N doubles.")
    if floor:
        lock_hi = _median(rows, "ns_per_op", strategy="lock", processes=max_n)
        text += (f" The dashed floor is one Lock-protected increment with no competition, "
                 f"measured in a single process ({floor:.0f} ns, best repeat): an uncontended "
                 "lock costs tens to hundreds of nanoseconds, not microseconds.")
        if lock_hi:
            text += (f" With {max_n} processes the same increment costs {lock_hi:.0f} ns of wall "
                     f"time ({lock_hi / floor:.1f}x the floor): that difference is contention, "
                     "time spent handing the lock from process to process.")
    return _finish(fig, text, save)


def usl_for(data, strategy: str = "lock", *, sweep: str = "strategies", work=None,
            amdahl: bool = False):
    """Fit the USL (or Amdahl) to the median throughput of one strategy."""
    where = {"sweep": sweep, "strategy": strategy}
    if work is not None:
        where.update(work_inside=work[0], work_outside=work[1])
    n, med, *_ = _series(_rows(data), **where)
    return fit_usl(n, med, amdahl=amdahl)


def plot_usl(data, strategy: str = "lock", *, sweep: str = "strategies", work=None,
             save=None) -> Figure:
    """Measured throughput of one strategy with least-squares USL and Amdahl fits.

    ``work=(inside, outside)`` picks one split of the ``placement`` sweep.
    """
    rows = _rows(data)
    where = {"sweep": sweep, "strategy": strategy}
    if work is not None:
        where.update(work_inside=work[0], work_outside=work[1])
    part = select(rows, **where)
    if not part:
        raise ValueError(f"no rows for {where}")
    n, med, lo, hi, reps = _series(part)
    fit = fit_usl(n, med)
    amd = fit_usl(n, med, amdahl=True)
    fig, (ax,) = _new_figure()
    ax.scatter([r["processes"] for r in part], [r["throughput"] for r in part], s=10,
               color="0.6", label="each repeat", zorder=2)
    _errorbar(ax, n, med, lo, hi, ls="none", color=_COLORS.get(strategy, "C0"),
              label="median, min..max", zorder=3)
    x_max = max(n.max() * 1.25, min(fit.peak_n * 1.5, n.max() * 3) if math.isfinite(fit.peak_n)
                else 0)
    grid = np.linspace(1, x_max, 200)
    ax.plot(grid, fit.predict(grid), color="C3", lw=2,
            label=f"USL: sigma={fit.sigma:.3f}, kappa={fit.kappa:.4f}")
    ax.plot(grid, amd.predict(grid), color="C0", ls="--", lw=1.5,
            label=f"Amdahl (kappa=0): sigma={amd.sigma:.3f}")
    if math.isfinite(fit.peak_n) and fit.peak_n <= x_max:
        ax.axvline(fit.peak_n, color="C3", ls=":", lw=1)
        ax.annotate(f"N* = {fit.peak_n:.2f}", xy=(fit.peak_n, 0.02),
                    xycoords=("data", "axes fraction"), xytext=(3, 0),
                    textcoords="offset points", color="C3", fontsize=8)
    _cores_line(ax, rows, x_max)
    # The fitted parameters, under the legend (outside the axes: they never cover data).
    ax.text(1.02, 0.45,
            f"lambda = {_fmt_rate(fit.lam)} ops/s\nsigma = {fit.sigma:.3f}"
            + (" (bound)" if fit.sigma_at_bound else "")
            + f"\nkappa = {fit.kappa:.4f}\nN* = "
            + (f"{fit.peak_n:.2f}" if math.isfinite(fit.peak_n) else "none (kappa = 0)")
            + f"\nR^2 = {fit.r2:.3f}",
            transform=ax.transAxes, ha="left", va="top", fontsize=8,
            bbox=dict(boxstyle="round", fc="white", ec="0.7"))
    ax.set_ylim(bottom=0)
    _eng(ax)
    ax.set_xlim(0.5, x_max + 0.5)
    label = STRATEGY_LABELS.get(strategy, strategy)
    wtxt = f", work inside={work[0]}, outside={work[1]} spins" if work else ""
    ax.set_xlabel("processes (N)")
    ax.set_ylabel("throughput (operations per second)")
    ax.set_title(f"Universal Scalability Law fit: {label}{wtxt}")
    ax.grid(True, alpha=0.3)
    _legend(ax)
    text = usl_caption(fit, len(n))
    return _finish(fig, text, save)


def plot_lost_updates(data, *, sweep: str = "strategies", save=None) -> Figure:
    """Lost updates of the unsynchronized counter (percent of increments) against N."""
    rows = select(_rows(data), sweep=sweep, strategy="unsynchronized")
    if not rows:
        raise ValueError("no unsynchronized rows")
    fig, (ax,) = _new_figure()
    pct_rows = [{**r, "lost_pct": 100.0 * r["lost_updates"] / r["expected"]} for r in rows]
    n, med, lo, hi, reps = _series(pct_rows, "lost_pct")
    _errorbar(ax, n, med, lo, hi, color=_COLORS["unsynchronized"],
              label="unsynchronized counter (median, min..max)")
    for x, y in zip(n, med):
        cnt = _median(rows, "lost_updates", processes=int(x))
        ax.annotate(f"{cnt:,.0f}", xy=(x, y), xytext=(0, 6), textcoords="offset points",
                    ha="center", fontsize=7)
    ax.axhline(0, color="k", lw=0.8)
    top = max(hi.max(), med.max())                  # the error bars too, not only the medians
    ax.set_ylim(bottom=-2, top=max(min(105.0, top * 1.15 + 2), 5))
    ax.set_xticks(sorted({r["processes"] for r in rows}))
    _cores_line(ax, rows, max(r["processes"] for r in rows))
    ax.set_xlabel("processes (N)")
    ax.set_ylabel("lost updates (% of all increments)")
    ops = rows[0]["ops_per_process"]
    ax.set_title(f"Lost updates without a lock ({ops:,} increments per process)")
    ax.grid(True, alpha=0.3)
    _legend(ax)
    one = _median(pct_rows, "lost_pct", processes=1)
    worst_n = int(n[int(np.argmax(med))])
    text = ("Numbers above the points are median lost increments. "
            + ("With one process nothing is lost. " if one == 0 else "")
            + f"With several processes `counter += 1` is a read, an add and a write; when two "
              f"processes read the same old value, one increment disappears. The worst median "
              f"here is {med.max():.1f}% lost at N = {worst_n}. The count is wrong in a way "
              "that changes from run to run, which is why a passing run proves nothing.")
    return _finish(fig, text, save)


def plot_wait_hold(data, strategy: str = "lock", *, save=None) -> Figure:
    """Per process: time spent waiting for the lock, holding it, and doing everything else
    (stacked bars, medians over repeats), one panel per process count (``waits`` sweep)."""
    wrows = getattr(data, "worker_rows", data)
    wrows = [r for r in wrows if r.get("sweep") == "waits" and r.get("strategy") == strategy
             and r.get("wait_seconds") is not None and "worker" in r]
    if not wrows:
        raise ValueError(f"no measured wait/hold rows for {strategy!r} (need worker_rows of "
                         "a sweep with a 'waits' part)")
    counts = sorted({r["processes"] for r in wrows})
    fig, axes = _new_figure(width=max(7.5, 2.2 * len(counts) + 1), height=4.2,
                            ncols=len(counts), sharey=True)
    share, hold_pp, span = {}, {}, {}
    for ax, n in zip(axes, counts):
        med = {k: [] for k in ("wait", "hold", "other")}
        for w in range(n):
            rs = [r for r in wrows if r["processes"] == n and r["worker"] == w]
            wait = statistics.median(r["wait_seconds"] for r in rs)
            hold = statistics.median(r["hold_seconds"] for r in rs)
            total = statistics.median(r["seconds"] for r in rs)
            med["wait"].append(wait)
            med["hold"].append(hold)
            med["other"].append(max(0.0, total - wait - hold))
        x = np.arange(n)
        b1 = np.array(med["hold"])
        b2 = np.array(med["wait"])
        ax.bar(x, b1, color="C1", label="holding the lock")
        ax.bar(x, b2, bottom=b1, color="C3", label="in acquire(): waiting for the lock\n(at N = 1, only acquire's own cost)")
        ax.bar(x, med["other"], bottom=b1 + b2, color="0.75",
               label="other: work outside, release, descheduled")
        ax.set_xticks(x, [f"P{i + 1}" for i in x])
        ax.set_xlabel(f"N = {n} process{'es' if n > 1 else ''}")
        ax.grid(True, axis="y", alpha=0.3)
        tot = b1.sum() + b2.sum() + sum(med["other"])
        share[n] = b2.sum() / tot if tot else 0.0
        hold_pp[n] = float(b1.mean())
        span[n] = max(b1 + b2 + np.array(med["other"]))
    axes[0].set_ylabel("time per process (s)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=8)
    wi, wo = wrows[0]["work_inside"], wrows[0]["work_outside"]
    fig.suptitle(f"Waiting for versus holding the {STRATEGY_LABELS.get(strategy, strategy)} "
                 f"(work inside = {wi}, outside = {wo} spins)")
    lo_n, hi_n = counts[0], counts[-1]
    text = wait_share_sentence(share, lo_n, hi_n)
    growth = hold_pp[hi_n] / hold_pp[lo_n] if hold_pp[lo_n] else 1.0
    if growth > 1.5:
        text += (f"Holding time per process grew too ({growth:.1f}x from N = {lo_n} to "
                 f"N = {hi_n}) although the work inside the lock did not change: with more "
                 "processes than CPU cores, the holder is often switched out while it holds the "
                 "lock, and everybody else waits for a process that is not even running. ")
    else:
        text += ("Holding time per process stays about the same, because the work inside the "
                 "lock does not change. ")
    text += ("Only one process can hold the lock at a time, so the orange bars of one panel "
             "add up to at most the wall-clock time of the run. The timing calls themselves "
             "add roughly 100 ns per increment to these runs.")
    return _finish(fig, text, save)


def plot_work_placement(data, strategy: str = "lock", *, save=None) -> Figure:
    """Throughput against N for the same work split differently inside/outside the lock."""
    rows = select(_rows(data), sweep="placement", strategy=strategy)
    if not rows:
        raise ValueError(f"no placement rows for {strategy!r}")
    splits = list(dict.fromkeys((r["work_inside"], r["work_outside"]) for r in rows))
    fig, (ax,) = _new_figure()
    ratios = []
    for i, (wi, wo) in enumerate(sorted(splits, key=lambda s: s[0])):
        n, med, lo, hi, _ = _series(rows, work_inside=wi, work_outside=wo)
        _errorbar(ax, n, med, lo, hi, color=f"C{i}",
                  label=f"inside = {wi}, outside = {wo} spins")
        if len(med) and med[0]:
            ratios.append((wi, wo, med.max() / med[0], int(n[int(np.argmax(med))])))
    max_n = max(r["processes"] for r in rows)
    _cores_line(ax, rows, max_n)
    ax.set_ylim(bottom=0)
    _eng(ax)
    ax.set_xticks(sorted({r["processes"] for r in rows}))
    ax.set_xlabel("processes (N)")
    ax.set_ylabel("throughput (increments per second)")
    ax.set_title(f"Same work, different place: {STRATEGY_LABELS.get(strategy, strategy)}")
    ax.grid(True, alpha=0.3)
    _legend(ax)
    best = " ".join(f"inside={wi}/outside={wo}: best {r:.2f}x one process (at N = {at})."
                    for wi, wo, r, at in ratios)
    text = ("Every line does the same busy work per increment; only where it happens changes. "
            "Work outside the lock runs in parallel, work inside is serialized, so the more of "
            f"it sits inside the critical section the less extra processes help. {best} "
            "Keep critical sections short: compute first, then lock, update, unlock.")
    return _finish(fig, text, save)


def plot_all(data, out_dir=None) -> dict:
    """Every plot the data allows, as {name: Figure}; with ``out_dir``, also ``name.png``."""
    rows = _rows(data)
    sweeps = {r["sweep"] for r in rows}
    strategies = {r["strategy"] for r in rows if r["sweep"] == "strategies"}
    out = Path(out_dir) if out_dir else None

    def target(name):
        return out / f"{name}.png" if out else None

    figs = {}
    if "strategies" in sweeps:
        figs["throughput"] = plot_throughput(data, save=target("throughput"))
        figs["ns_per_op"] = plot_ns_per_op(data, save=target("ns_per_op"))
        if "lock" in strategies and len({r["processes"] for r in rows
                                         if r["sweep"] == "strategies"}) >= 2:
            figs["usl"] = plot_usl(data, "lock", save=target("usl"))
        if "unsynchronized" in strategies:
            figs["lost_updates"] = plot_lost_updates(data, save=target("lost_updates"))
    if "placement" in sweeps:
        for s in dict.fromkeys(r["strategy"] for r in rows if r["sweep"] == "placement"):
            figs[f"placement_{s}"] = plot_work_placement(data, s, save=target(f"placement_{s}"))
    if "waits" in sweeps and getattr(data, "worker_rows", None):
        for s in dict.fromkeys(r["strategy"] for r in rows if r["sweep"] == "waits"):
            figs[f"wait_hold_{s}"] = plot_wait_hold(data, s, save=target(f"wait_hold_{s}"))
    if "queues" in sweeps:
        figs["queues"] = plot_queues(data, save=target("queues"))
    return figs

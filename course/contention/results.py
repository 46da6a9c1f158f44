"""The lab's results as tidy tables: rows, CSV files, medians with spread, a summary.

``rows`` has one dict per (sweep, strategy, processes, work_inside, work_outside, repeat):

=================  ==================================================================
sweep              ``strategies``, ``placement``, ``waits`` or ``queues``
kind               ``counter`` or ``queue``
strategy           see ``workers.COUNTER_STRATEGIES`` and ``QUEUE_STRATEGIES``
start_method       fork, spawn or forkserver
processes          workers incrementing (counter) or producers (queue; plus 1 consumer)
work_inside        busy-loop iterations per increment inside the critical section
work_outside       busy-loop iterations per increment outside it
batch              increments per lock hold (batched only)
repeat             0, 1, ...
ops_per_process    increments (items) per process in this repeat
ops                total increments (items) in this repeat
expected, actual   the counter's expected and final value (queue: items sent, received)
lost_updates       expected - actual (0 for a correct strategy)
duplicates         queue only: items received more than once
out_of_order       queue only: items that overtook an earlier item of the same producer
seconds            from the first worker's start to the last worker's end
ns_per_op          seconds * 1e9 / ops
throughput         ops / seconds (operations or items per second)
wait_seconds       mean per process: time spent acquiring the lock (``waits`` rows only)
hold_seconds       mean per process: time spent holding it (``waits`` rows only)
instrumented       True when wait and hold times were measured
cpu_count          logical CPUs of the machine
=================  ==================================================================

``worker_rows`` has one dict per process and repeat, with that process's own seconds,
wait_seconds and hold_seconds.
"""
from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

from autograder.spreadsheet import write_dicts

__all__ = [
    "ROW_FIELDS",
    "WORKER_FIELDS",
    "write_csv",
    "read_csv",
    "select",
    "aggregate",
    "summary_rows",
    "format_summary",
    "plausibility_notes",
]

ROW_FIELDS = (
    "sweep", "kind", "strategy", "start_method", "processes", "work_inside", "work_outside",
    "batch", "repeat", "ops_per_process", "ops", "expected", "actual", "lost_updates",
    "duplicates", "out_of_order", "seconds", "ns_per_op", "throughput", "wait_seconds",
    "hold_seconds", "instrumented", "cpu_count",
)
WORKER_FIELDS = (
    "sweep", "kind", "strategy", "start_method", "processes", "work_inside", "work_outside",
    "repeat", "worker", "role", "ops", "seconds", "wait_seconds", "hold_seconds",
)

_INT = {"processes", "work_inside", "work_outside", "batch", "repeat", "ops_per_process", "ops",
        "expected", "actual", "lost_updates", "duplicates", "out_of_order", "cpu_count", "worker",
        "n", "invalid"}
_FLOAT = {"seconds", "ns_per_op", "throughput", "wait_seconds", "hold_seconds"}
_BOOL = {"instrumented"}


def _rows_of(data):
    """Accept a SweepResult (uses ``.rows``) or a list of row dicts."""
    return list(getattr(data, "rows", data))


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return value


def _parse(field, text):
    if text == "":
        return None
    if field in _INT:
        return int(text)
    if field in _FLOAT:
        return float(text)
    if field in _BOOL:
        return text == "True"
    return text


def write_csv(rows, path, fields=None) -> Path:
    """Write rows (dicts) to ``path``; ``None`` becomes an empty cell. Returns the path."""
    rows = _rows_of(rows)
    if fields is None:
        fields = list(ROW_FIELDS) if rows and set(rows[0]) <= set(ROW_FIELDS) else \
            list(dict.fromkeys(k for r in rows for k in r))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        write_dicts(f, fields, ({k: _cell(r.get(k)) for k in fields} for r in rows))
    return path


def read_csv(path) -> list[dict]:
    """Read a CSV written by :func:`write_csv`, restoring ints, floats, bools and None."""
    with open(path, newline="") as f:
        return [{k: _parse(k, v) for k, v in r.items()} for r in csv.DictReader(f)]


def select(rows, **where) -> list[dict]:
    """Rows whose fields equal the given values; a tuple/list/set value means "one of"."""
    out = []
    for r in _rows_of(rows):
        for k, v in where.items():
            got = r.get(k)
            if isinstance(v, (tuple, list, set, frozenset)):
                if got not in v:
                    break
            elif got != v:
                break
        else:
            out.append(r)
    return out


def _quantile(sorted_values, q):
    """Linear-interpolation quantile (numpy's default) of an already sorted list."""
    if not sorted_values:
        return math.nan
    pos = (len(sorted_values) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


GROUP_KEYS = ("sweep", "kind", "strategy", "processes", "work_inside", "work_outside",
              "instrumented")


def aggregate(rows, value: str = "throughput", by=GROUP_KEYS) -> list[dict]:
    """One dict per group (``by`` fields) with ``n``, ``median``, ``min``, ``max``, ``q1``,
    ``q3`` and ``mean`` of ``value`` over the repeats, in first-seen order."""
    groups: dict[tuple, list] = {}
    for r in _rows_of(rows):
        v = r.get(value)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        groups.setdefault(tuple(r.get(k) for k in by), []).append(float(v))
    out = []
    for key, values in groups.items():
        values.sort()
        out.append({**dict(zip(by, key)), "value": value, "n": len(values),
                    "median": statistics.median(values), "min": values[0], "max": values[-1],
                    "q1": _quantile(values, 0.25), "q3": _quantile(values, 0.75),
                    "mean": statistics.fmean(values)})
    return out


def _median_of(rows, value, **where):
    vals = [r[value] for r in select(rows, **where) if r.get(value) is not None]
    return statistics.median(vals) if vals else None


def summary_rows(rows) -> list[dict]:
    """Per strategy (``strategies`` and ``queues`` sweeps): median ns/op and throughput at
    the smallest and the largest process count, the speed-up between them, and the
    throughput relative to a single Lock (counters) at the largest count."""
    rows = _rows_of(rows)
    out = []
    for sweep in ("strategies", "queues"):
        part = select(rows, sweep=sweep)
        if not part:
            continue
        ns = sorted({r["processes"] for r in part})
        lo, hi = ns[0], ns[-1]
        lock_hi = _median_of(part, "throughput", strategy="lock", processes=hi)
        for strategy in dict.fromkeys(r["strategy"] for r in part):
            x_lo = _median_of(part, "throughput", strategy=strategy, processes=lo)
            x_hi = _median_of(part, "throughput", strategy=strategy, processes=hi)
            lost = _median_of(part, "lost_updates", strategy=strategy, processes=hi)
            expected = _median_of(part, "expected", strategy=strategy, processes=hi)
            out.append({
                "sweep": sweep, "strategy": strategy, "n_lo": lo, "n_hi": hi,
                "ns_per_op_lo": _median_of(part, "ns_per_op", strategy=strategy, processes=lo),
                "ns_per_op_hi": _median_of(part, "ns_per_op", strategy=strategy, processes=hi),
                "throughput_lo": x_lo, "throughput_hi": x_hi,
                "speedup": (x_hi / x_lo) if x_lo and x_hi else None,
                "vs_lock_hi": (x_hi / lock_hi) if (lock_hi and x_hi and sweep == "strategies")
                else None,
                "lost_pct_hi": (100.0 * lost / expected) if expected and lost is not None
                else None,
            })
    return out


def _fmt(v, spec):
    return "-" if v is None else format(v, spec)


def format_summary(rows) -> str:
    """The summary as a fixed-width text table (what ``make bench`` prints)."""
    table = summary_rows(rows)
    if not table:
        return "(no strategies or queues rows)"
    lines = []
    for sweep in ("strategies", "queues"):
        part = [t for t in table if t["sweep"] == sweep]
        if not part:
            continue
        lo, hi = part[0]["n_lo"], part[0]["n_hi"]
        unit = "items" if sweep == "queues" else "ops"
        n_label = "producers" if sweep == "queues" else "processes"
        lines.append(f"{'queues (N producers -> 1 consumer)' if sweep == 'queues' else 'counters'}"
                     f": medians, N = {lo} and N = {hi} {n_label}")
        head = (f"{'strategy':<24}{'ns/' + unit[:-1] + f' @{lo}':>13}{'ns/' + unit[:-1] + f' @{hi}':>13}"
                f"{unit + f'/s @{lo}':>14}{unit + f'/s @{hi}':>14}{f'x{hi}/x{lo}':>9}")
        if sweep == "strategies":
            head += f"{'vs Lock':>9}{'lost %':>8}"
        lines.append(head)
        lines.append("-" * len(head))
        for t in part:
            line = (f"{t['strategy']:<24}{_fmt(t['ns_per_op_lo'], ',.0f'):>13}"
                    f"{_fmt(t['ns_per_op_hi'], ',.0f'):>13}{_fmt(t['throughput_lo'], ',.0f'):>14}"
                    f"{_fmt(t['throughput_hi'], ',.0f'):>14}{_fmt(t['speedup'], '.2f'):>9}")
            if sweep == "strategies":
                line += f"{_fmt(t['vs_lock_hi'], '.2f'):>9}{_fmt(t['lost_pct_hi'], '.1f'):>8}"
            lines.append(line)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def plausibility_notes(rows) -> list[str]:
    """Sanity checks on a sweep, as sentences (reported, never asserted)."""
    rows = _rows_of(rows)
    part = select(rows, sweep="strategies")
    notes = []
    if not part:
        return notes
    ns = sorted({r["processes"] for r in part})
    lock1 = _median_of(part, "ns_per_op", strategy="lock", processes=1)
    if lock1 is not None:
        verdict = ("as expected: tens to hundreds of ns" if lock1 < 1000
                   else "SUSPICIOUS: a microsecond or more")
        notes.append(f"uncontended Lock (1 process): {lock1:,.0f} ns per increment ({verdict})")
    for other in ("sharded", "batched"):
        wins, losses = [], []
        for n in ns:
            if n < 2:
                continue
            x_other = _median_of(part, "throughput", strategy=other, processes=n)
            x_lock = _median_of(part, "throughput", strategy="lock", processes=n)
            if x_other is None or x_lock is None:
                continue
            (wins if x_other > x_lock else losses).append(n)
        if wins or losses:
            if not losses:
                notes.append(f"{other} beats a single Lock at every N >= 2 ({', '.join(map(str, wins))})")
            else:
                notes.append(f"{other} does NOT beat a single Lock at N = "
                             f"{', '.join(map(str, losses))}")
    bad = [r for r in part if r["strategy"] != "unsynchronized" and r.get("lost_updates")]
    if bad:
        notes.append(f"WRONG COUNTS in {len(bad)} synchronized runs")
    else:
        notes.append("every synchronized strategy counted exactly processes * ops")
    unsync = select(part, strategy="unsynchronized")
    lost_multi = [r for r in unsync if r["processes"] >= 2]
    if lost_multi:
        frac = sum(1 for r in lost_multi if r["lost_updates"] > 0) / len(lost_multi)
        notes.append(f"unsynchronized counter lost updates in {frac:.0%} of runs with >= 2 processes")
    q = select(rows, sweep="queues")
    if q:
        bad_q = [r for r in q if r["lost_updates"] or r["duplicates"] or r["out_of_order"]]
        notes.append("every queue delivered each item exactly once, in order per producer"
                     if not bad_q else f"QUEUE ERRORS in {len(bad_q)} runs")
    return notes

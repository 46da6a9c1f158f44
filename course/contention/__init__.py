"""The contention lab: measure how synchronization strategies scale with processes.

Quick start (in a lesson cell)::

    from course.contention import run_sweep, plot_throughput, caption
    res = run_sweep("notebook")          # or "tiny", "full", or a Preset
    fig = plot_throughput(res); fig      # every plot carries fig.caption
    print(res.summary())

The message-passing part measures the student's own ``BoundedQueue`` (from their
05-conditions notebook, see :func:`load_queue`) next to ``multiprocessing.Queue`` and
``Pipe``; without one it measures those two only.

Importing this package is cheap (standard library only): numpy and matplotlib are loaded
the first time a fit or plot function is used, so spawned worker processes, which import
this package, start quickly.
"""
from __future__ import annotations

import importlib

from .answer_queue import NoQueueAnswer, load_queue
from .harness import (ContentionError, Crew, SweepResult, get_context, measure, plan_tasks,
                      run_sweep)
from .presets import PRESETS, Preset, default_preset_name, get_preset
from .results import (ROW_FIELDS, WORKER_FIELDS, aggregate, format_summary, plausibility_notes,
                      read_csv, select, summary_rows, write_csv)
from .workers import (COUNTER_STRATEGIES, LOCK_STRATEGIES, QUEUE_STRATEGIES, STRATEGY_LABELS)

_LAZY = {
    # usl (numpy)
    "USLFit": "usl", "usl_throughput": "usl", "fit_usl": "usl", "fit_amdahl": "usl",
    # plots (numpy + matplotlib)
    "caption": "plots", "plot_throughput": "plots", "plot_ns_per_op": "plots",
    "plot_usl": "plots", "plot_lost_updates": "plots", "plot_wait_hold": "plots",
    "plot_work_placement": "plots", "plot_queues": "plots", "plot_all": "plots",
    "usl_for": "plots",
}

__all__ = [
    "NoQueueAnswer", "load_queue", "ContentionError", "Crew", "SweepResult", "get_context", "measure",
    "plan_tasks", "run_sweep", "PRESETS", "Preset", "default_preset_name", "get_preset",
    "ROW_FIELDS", "WORKER_FIELDS", "aggregate", "format_summary", "plausibility_notes",
    "read_csv", "select", "summary_rows", "write_csv", "COUNTER_STRATEGIES", "LOCK_STRATEGIES",
    "QUEUE_STRATEGIES", "STRATEGY_LABELS", *_LAZY,
]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

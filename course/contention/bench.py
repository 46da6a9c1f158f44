"""``python -m course.contention.bench``: the contention lab's full benchmark (``make bench``).

Runs a sweep with a progress bar on stderr, writes CSV files and PNG plots into
``bench-results/`` (or ``--out``), and prints a summary: ns per operation for each strategy
at 1 process and at the largest process count, the speed-up between them, how each
compares with a single Lock, a USL fit, and plausibility notes.

    python -m course.contention.bench [--preset tiny|notebook|full] [--out DIR]
                                      [--start-method fork|spawn|forkserver] [--no-plots]
                                      [--queue-from NOTEBOOK]

The message-passing part measures ``multiprocessing.Queue`` and ``Pipe``, and, with
``--queue-from``, the BoundedQueue answered in that notebook (a student's 05-conditions
notebook, or ``source/05-conditions/05-conditions.ipynb`` for the instructor's solution).
The course itself ships no bounded queue: it is a graded exercise.

Nothing heavy is imported at module level, so spawned workers (which import this module as
``__mp_main__``) start quickly.
"""
from __future__ import annotations


def main(argv=None) -> int:
    import argparse
    import json
    import math
    import os
    import sys
    import time
    from pathlib import Path

    from .harness import ContentionError, run_sweep
    from .presets import PRESETS
    from .results import format_summary, plausibility_notes

    parser = argparse.ArgumentParser(prog="python -m course.contention.bench",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="full")
    parser.add_argument("--out", default="bench-results", help="output folder (default: %(default)s)")
    parser.add_argument("--start-method", choices=["fork", "spawn", "forkserver"], default=None,
                        help="default: $COURSE_START_METHOD, else multiprocessing's default")
    parser.add_argument("--no-plots", action="store_true", help="write CSV files only")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--queue-from", metavar="NOTEBOOK", default=None,
                        help="also measure the BoundedQueue answered in this notebook, e.g. "
                             "source/05-conditions/05-conditions.ipynb")
    args = parser.parse_args(argv)
    if args.queue_from and not Path(args.queue_from).is_file():
        parser.error(f"--queue-from {args.queue_from}: no such file")

    os.environ.setdefault("MPLBACKEND", "Agg")
    out = Path(args.out)
    queue_class = None
    if args.queue_from:
        from .answer_queue import NoQueueAnswer, load_queue

        try:
            queue_class = load_queue(args.queue_from)
            print(f"measuring the BoundedQueue from {args.queue_from} next to Queue and Pipe")
        except NoQueueAnswer as exc:
            print(f"{exc}: measuring multiprocessing.Queue and Pipe only")
    else:
        print("no --queue-from NOTEBOOK: measuring multiprocessing.Queue and Pipe only")
    t0 = time.perf_counter()
    try:
        res = run_sweep(args.preset, start_method=args.start_method,
                        progress=not args.no_progress, queue_class=queue_class)
    except ContentionError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    sweep_s = time.perf_counter() - t0
    paths = res.to_csv(out)
    meta = dict(res.meta, sweep_seconds=sweep_s)
    (out / "meta.json").write_text(json.dumps(meta, indent=2, default=str))
    figs = {}
    if not args.no_plots:
        from .plots import plot_all

        figs = plot_all(res, out)
        (out / "captions.md").write_text(
            "".join(f"## {name}.png\n\n{fig.caption}\n\n" for name, fig in figs.items()))

    m = res.meta
    print(f"contention benchmark: preset {m['preset']}, start method {m['start_method']}, "
          f"{m['cpu_count']} CPUs, Python {m['python']}")
    print(f"{len(res.rows)} measured runs in {sweep_s:.1f} s; load average "
          f"{m.get('loadavg_before')} before, {m.get('loadavg_after')} after "
          "(other programs on the machine disturb the numbers)\n")
    print(format_summary(res.rows))
    if res.meta["bounded_queue"]["error"]:
        print("\nthe BoundedQueue failed in the lab, so it is not in these results:\n  "
              + res.meta["bounded_queue"]["error"].replace("\n", "\n  "))
    try:
        from .plots import usl_for

        fit = usl_for(res, "lock")
        print("Lock, " + fit.describe())
        peak = fit.peak_n
        print("  predicted peak: " + ("none" if math.isinf(peak) else f"N* = {peak:.2f}"))
    except ValueError:
        pass
    print("\nplausibility (reported, not asserted):")
    for note in plausibility_notes(res.rows):
        print(f"  - {note}")
    written = [p.name for p in paths.values()] + ["meta.json"]
    if figs:
        written += [f"{name}.png" for name in figs] + ["captions.md"]
    print(f"\nwrote {', '.join(written)} to {out}/")
    print(f"total time {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The engine's reference suite against published figures (``engine_bench.py --reference``).

1. Nidhugg's smoke tests, ported in autograder/engine/reference.py: per program, the
   executions our DPOR runs (complete ones, and those its sleep sets abandoned) beside
   the number of Mazurkiewicz classes, which is what an optimal DPOR must run.  Nidhugg's
   published counts (tests/smoke/reference.results.txt) are for ``nidhuggc --sc --rf``:
   reads-from classes, fewer than Mazurkiewicz classes when two processes write one
   location.  Every interleaving of the small programs is enumerated (plain DFS) and
   grouped both ways: the reads-from count checks the port against Nidhugg's number, the
   Mazurkiewicz count checks the reference.
2. Four dining philosophers (a ctx.Lock per fork, left then right): executions and
   seconds to the first deadlock and for complete exploration, beside frontrun's figure.

Exits non-zero when a program does not match.
Run:  .venv/bin/python benchmarks/engine_bench.py --reference [--cap N]   (seconds; with
      --cap 300000 several minutes: wrap it in flock /tmp/heavy-tests.lock)
"""
from __future__ import annotations

import argparse
import sys
import time

from autograder.engine import DFSScheduler, DPORScheduler
from autograder.engine import count_executions
from autograder.engine.reference import PROGRAMS, count_classes, philosophers

NIDHUGG = "github.com/nidhugg/nidhugg tests/smoke/reference.results.txt (run as nidhuggc --sc --rf)"
FRONTRUN = ("github.com/lucaswiman/interlace (the frontrun package) commit 1642957: "
            "benchmarks/bench_dining_philosophers.py, benchmarks/post-optimal-dpor_results.json")


def reference_programs(cap):
    print("== reference programs: Nidhugg's smoke tests (autograder/engine/reference.py)")
    print(f"   published: {NIDHUGG}")
    print("   rf / Maz: reads-from and Mazurkiewicz classes of our port, every interleaving "
          f"enumerated (only when there are at most {cap:,}; '-' otherwise)")
    print("   match: our DPOR ran exactly one complete execution per Mazurkiewicz class (the "
          "reference), abandoned none, and the enumeration (when run) agrees: Maz = reference "
          "and rf = Nidhugg's published count")
    print(f"   {'program':<22} {'Nidhugg':>7} {'rf':>4} {'Maz':>4} {'reference':>9} | "
          f"{'complete':>8} {'blocked':>7} {'s':>5} | match")
    matched = 0
    published_equal = 0
    for prog in PROGRAMS:
        t0 = time.perf_counter()
        ours = count_executions(prog.scenario(), DPORScheduler())
        seconds = time.perf_counter() - t0
        brute = count_classes(prog.scenario(), limit=cap)
        ok = ours.exhaustive and ours.complete == prog.classes and ours.blocked == 0
        rf = maz = "-"
        if brute is not None:
            _, maz, rf = brute
            ok = ok and maz == prog.classes and rf == prog.nidhugg
        matched += ok
        published_equal += ours.complete == prog.nidhugg
        print(f"   {prog.name:<22} {prog.nidhugg:>7} {rf:>4} {maz:>4} {prog.classes:>9} | "
              f"{ours.complete:>8} {ours.blocked:>7} {seconds:>5.2f} | {'yes' if ok else 'NO'}")
    n = len(PROGRAMS)
    print(f"   our complete executions equal Nidhugg's published (reads-from) count on "
          f"{published_equal} of {n}: the others write one location from several processes")
    print(f"matches the reference on {matched} of {n}")
    return matched == n


def dining_philosophers():
    print("\n== 4 dining philosophers: a ctx.Lock per fork, each takes its left fork then its right")
    print(f"   {'run':<62} {'executions':>10} {'s':>7}")

    def row(label, counts, stop):
        n = counts.first_failure if stop and counts.first_failure else counts.executions
        s = counts.first_failure_seconds if stop and counts.first_failure else counts.seconds
        extra = ""
        if not stop:
            extra = (f"  ({counts.complete} complete, {counts.blocked} abandoned, "
                     f"{counts.failures.get('deadlock', 0)} deadlock(s); "
                     f"{'every class' if counts.exhaustive else 'NOT exhaustive'})")
        print(f"   {label:<62} {n:>10,} {s:>7.3f}{extra}")

    row("dpor (optimal), to the first deadlock",
        count_executions(philosophers(4), DPORScheduler(), stop_at_failure=True), True)
    row("dpor (optimal), complete exploration, left then right",
        count_executions(philosophers(4), DPORScheduler()), False)
    row("dpor (optimal), complete exploration, resource ordering",
        count_executions(philosophers(4, ordered=True), DPORScheduler()), False)
    row("exhaustive DFS, preemption bound 2, to the first deadlock",
        count_executions(philosophers(4), DFSScheduler(max_preemptions=2), stop_at_failure=True),
        True)
    print(f"   {'frontrun (published), preemption bound 2, to the first deadlock':<62} "
          f"{4076:>10,} {29.95:>7.2f}")
    print(f"   frontrun: {FRONTRUN}.  Its run: threads with threading.Lock, explore_dpor("
          f"preemption_bound=2, stop_on_first=True); 4,076 = num_explored, the executions run up "
          f"to and including the one that deadlocked (the same in each of 3 runs; median "
          f"29.95 s).  Its scheduling points are bytecodes that touch shared objects as well as "
          f"lock operations; ours are the primitives' operations only.")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cap", type=int, default=2_000,
                    help="enumerate every interleaving only of programs with at most this many "
                         "(each program costs up to this many executions; 300,000 takes minutes "
                         "and covers readers_3, n_writers_a_reader_3, opt_lock_3 too)")
    args = ap.parse_args(argv)
    ok = reference_programs(args.cap)
    dining_philosophers()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of grading (figures to read, not assertions: this machine is shared).

Prints:
1. schedules explored per second by the controlled engine (counter scenario);
2. for each known-bad answer in tests/corpus: the first property that fails it and, when
   that property is a controlled-interleaving one, how many schedules it took to fail;
3. wall time of one exercise's checks (visible + hidden suites, each in its subprocess)
   for a correct answer.

Grading whole submissions under nbgrader is benchmarks/class_bench.py.

Run:  .venv/bin/python benchmarks/grading_bench.py
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import autograder.engine as controlled
from autograder.checks.answers import load_answer
from autograder.sandbox.checker import check_answer
from autograder.checks import exercise_for

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "corpus"
sys.path.insert(0, str(Path(__file__).parent))
import engine_bench  # noqa: E402  (same folder)


def schedules_per_second() -> None:
    print("== 1. controlled engine: schedules per second (counter, 2 processes x 2 increments)")
    scenario = engine_bench.counter(engine_bench.SafeCounter)
    for strategy, options in (("random", {}), ("pct", {"depth": 3}), ("exhaustive", {"max_preemptions": 6})):
        rate, _ = engine_bench.throughput(scenario, strategy, 5_000, **options)
        print(f"  {strategy:<10} {rate:>9,.0f} schedules/s   (target >= 3,000)")


class CountingExplore:
    """Wraps controlled.explore to record how many schedules each exploration ran."""

    def __init__(self):
        self.real = controlled.explore
        self.calls = []

    def __call__(self, *args, **kwargs):
        result = self.real(*args, **kwargs)
        self.calls.append((result.strategy, result.schedules_run, result.ok))
        return result

    def __enter__(self):
        controlled.explore = self
        return self

    def __exit__(self, *exc):
        controlled.explore = self.real


def first_failures() -> None:
    print("\n== 2. known-bad answers: first failing property, schedules to first failure")
    worst = 0
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        exercise = exercise_for(folder.name)
        for path in sorted(folder.glob("bad_*.py")):
            with tempfile.TemporaryDirectory() as tmp:
                answer = Path(tmp) / f"answer_{folder.name}.py"
                shutil.copyfile(path, answer)
                found = "NOT CAUGHT by a controlled or one-process property (real-process only)"
                try:
                    cls = exercise.load(load_answer(folder.name, answer))
                except Exception as exc:
                    found = f"cannot load: {exc}"
                    cls = None
                for suite in exercise.suites if cls is not None else ():
                    for prop in exercise.suites[suite]:
                        if "real" in prop.__name__ or "processes" in prop.__name__:
                            continue        # real-process runs are timed in section 3
                        with CountingExplore() as counting:
                            result = prop(cls)
                        if not result.passed:
                            failing = [(s, n) for s, n, ok in counting.calls if not ok]
                            if failing:
                                strategy, n = failing[-1]
                                total = sum(n for _, n, _ in counting.calls)
                                how = f"{strategy} found it in {n} schedules; {total} in all this property"
                                worst = max(worst, n)
                            else:
                                how = "without exploring"
                            found = f"{suite}: {result.name} ({how})"
                            break
                    else:
                        continue
                    break
            print(f"  {folder.name}/{path.stem:<28} {found}")
    print(f"  most schedules the failing exploration needed: {worst}   (target: every bug within 200)")


def check_times() -> None:
    print("\n== 3. wall time of one exercise's checks, correct answer (visible + hidden)")
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        good = sorted(folder.glob("good_*.py"))[0]
        times = {}
        for suite in exercise_for(folder.name).suites:
            t0 = time.perf_counter()
            report = check_answer(folder.name, suite, good.read_text())
            times[suite] = time.perf_counter() - t0
            assert report.passed, report.render()
        total = sum(times.values())
        parts = ", ".join(f"{s} {t:.1f} s" for s, t in times.items())
        print(f"  {folder.name:<14} {total:5.1f} s  ({parts})   target <= 6 s   [{good.stem}]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    schedules_per_second()
    first_failures()
    check_times()
    return 0


if __name__ == "__main__":
    sys.exit(main())

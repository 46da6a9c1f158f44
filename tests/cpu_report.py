"""Where a test run's CPU goes: a pytest plugin and its report (a measuring tool, not a test).

    make test-full PYTEST_ARGS="-p tests.cpu_report --cpu-log=/tmp/cpu.jsonl"
    .venv/bin/python -m tests.cpu_report /tmp/cpu.jsonl

Each test (setup, call and teardown together) appends one line to the log: its wall time,
the CPU of its pytest process and of the children that process waited for (getrusage), and
how busy the whole machine was meanwhile (/proc/stat, through benchmarks/machine.py). Every
xdist worker appends to the same file, a whole line per write. The report adds them up per
module (per exercise for the corpus and fairness modules): CPU first, then wall time and the
machine's busy share. CPU of processes nobody in the test's tree waited for (a server stopped
by a signal, a grandchild reaped elsewhere) is not in a test's figure but is in the
machine's.
"""
from __future__ import annotations

import json
import resource
import sys
import time
from collections import defaultdict

import pytest

from benchmarks.machine import cpu_times


def pytest_addoption(parser):
    parser.addoption("--cpu-log", default=None, help="append one JSON line per test to this file "
                                                     "(tests/cpu_report.py)")


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    path = item.config.getoption("--cpu-log")
    if not path:
        yield
        return
    wall, cpu, (busy, ticks) = time.monotonic(), _cpu_seconds(), cpu_times()
    yield
    busy_now, ticks_now = cpu_times()
    line = json.dumps({"test": item.nodeid, "wall": time.monotonic() - wall, "cpu": _cpu_seconds() - cpu,
                       "busy_ticks": busy_now - busy, "all_ticks": ticks_now - ticks})
    with open(path, "a") as f:
        f.write(line + "\n")


def group(nodeid: str) -> str:
    """The module, and for the corpus and fairness modules the exercise too."""
    module = nodeid.split("::")[0]
    if module.endswith(("test_corpus.py", "test_fairness.py")) and "[" in nodeid:
        return f"{module} {nodeid.split('[', 1)[1].split('/')[0]}"
    return module


def report(lines) -> str:
    totals = defaultdict(lambda: [0, 0.0, 0.0, 0, 0])    # group -> tests, wall, cpu, busy and all ticks
    for line in lines:
        row = json.loads(line)
        total = totals[group(row["test"])]
        total[0] += 1
        total[1] += row["wall"]
        total[2] += row["cpu"]
        total[3] += row["busy_ticks"]
        total[4] += row["all_ticks"]
    if not totals:
        raise ValueError("the log has no test in it")
    out = [f"{'CPU s':>8} {'wall s':>8} {'machine busy':>12} {'tests':>5}  module"]
    for name, (tests, wall, cpu, busy, ticks) in sorted(totals.items(), key=lambda kv: -kv[1][2]):
        out.append(f"{cpu:8.0f} {wall:8.0f} {busy / max(ticks, 1):12.0%} {tests:5d}  {name}")
    cpu = sum(t[2] for t in totals.values())
    out.append(f"{cpu:8.0f} CPU-seconds in {sum(t[0] for t in totals.values())} tests")
    return "\n".join(out)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m tests.cpu_report LOG (written by pytest -p tests.cpu_report --cpu-log=LOG)",
              file=sys.stderr)
        return 2
    try:
        with open(argv[0]) as f:
            print(report(f))
    except (OSError, ValueError) as exc:
        print(f"{argv[0]}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

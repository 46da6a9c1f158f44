"""How busy the whole machine is, from /proc/stat (Linux): one reader for the class
benchmark and for tests/cpu_report.py."""
from __future__ import annotations

__all__ = ["cpu_times"]


def cpu_times() -> tuple[int, int]:
    """(busy, all) clock ticks of every CPU since boot, from /proc/stat (Linux)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait

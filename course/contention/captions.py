"""The sentences under the contention plots: what *these* numbers show, and no more.

Each caption states what was measured before it says what it means, and claims a trend only
when the numbers show it: a strategy "kept scaling" only if its throughput grew by half or
more from one process to the most, a fit's R^2 is worth reading only when there are more
process counts than parameters to fit.
"""
from __future__ import annotations

import math
import statistics

from .results import select
from .workers import STRATEGY_LABELS

#: throughput at the most processes over throughput with one: what counts as scaling or falling
SCALES, FALLS = 1.5, 0.8
#: the USL has three parameters (lambda, sigma, kappa)
USL_PARAMETERS = 3


def _median(rows, **where):
    values = [r["throughput"] for r in select(rows, **where) if r.get("throughput") is not None]
    return statistics.median(values) if values else None


def _rate(x):
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if x >= scale:
            return f"{x / scale:.3g}{unit}"
    return f"{x:.3g}"


def scaling_sentences(rows, strategies, n_hi: int) -> list[str]:
    """How each strategy's median throughput changed from 1 to ``n_hi`` processes, in words
    that follow the ratio (kept scaling, stayed about flat, fell), and how they compare with
    one Lock at ``n_hi``."""
    if n_hi <= 1:
        return []
    grew, flat, fell = [], [], []
    for s in strategies:
        one, many = _median(rows, strategy=s, processes=1), _median(rows, strategy=s, processes=n_hi)
        if not one or not many:
            continue
        ratio = many / one
        words = f"{STRATEGY_LABELS.get(s, s)} x{ratio:.2f}"
        (grew if ratio >= SCALES else fell if ratio < FALLS else flat).append(words)
    if not grew + flat + fell:
        return []
    parts = [f"From 1 to {n_hi} processes (throughput at N = {n_hi} over N = 1):"]
    if grew:
        parts.append("kept scaling: " + ", ".join(grew) + ";")
    if flat:
        parts.append("stayed about flat: " + ", ".join(flat) + ";")
    if fell:
        parts.append("fell: " + ", ".join(fell) + ";")
    text = " ".join(parts).rstrip(";") + "."
    text += (" Taking a lock less often (batched) or never (shards) is what can let throughput grow; "
             "whether it does here also depends on how many cores the processes have.")
    lock = _median(rows, strategy="lock", processes=n_hi)
    relative = [f"{STRATEGY_LABELS[s]} {m / lock:.1f}x" for s in strategies if s != "lock"
                for m in [_median(rows, strategy=s, processes=n_hi)] if m and lock]
    if relative:
        text += f" At N = {n_hi}, relative to one Lock: " + ", ".join(relative) + "."
    return [text]


def wait_share_sentence(share: dict, lo_n: int, hi_n: int) -> str:
    """The waiting share of process time at the smallest and largest N, with what it means
    at N = 1 (nobody else can hold the lock: it is the cost of acquire() itself)."""
    text = "Each bar is one process's timed loop, every process doing the same work. "
    if lo_n == 1:
        text += (f"At N = 1 nobody else can hold the lock, so the {share[lo_n]:.0%} marked 'waiting' "
                 f"there is the time acquire() itself takes, not waiting; ")
    else:
        text += f"Waiting is {share[lo_n]:.0%} of all process time at N = {lo_n}; "
    text += f"at N = {hi_n} it is {share[hi_n]:.0%}. "
    return text


def usl_caption(fit, points: int) -> str:
    """What the USL fit says about these medians, and how much to trust it given ``points``
    (how many process counts were measured)."""
    if fit.sigma_at_bound:
        shape = ("Here the fit is held at its bound, sigma = 1: the measurements fall faster than any "
                 "serialized fraction can explain, because a second process already makes the whole "
                 "system slower than one process alone (handing the lock back and forth between cores "
                 "costs more than the parallel work gains). Read sigma here as 'everything is "
                 "serialized, and then some', not as a fraction of the work; the rest of the fall goes "
                 "into kappa.")
    elif math.isfinite(fit.peak_n):
        shape = (f"The fit predicts the most throughput at N* = sqrt((1 - sigma) / kappa) = "
                 f"{fit.peak_n:.2f} processes; past that, adding processes makes the whole system slower.")
    else:
        shape = ("kappa = 0: no retrograde cost was found, so throughput levels off near "
                 f"lambda / sigma = {_rate(fit.peak_throughput)} ops/s instead of falling.")
    if points <= USL_PARAMETERS + 1:
        trust = (f"With {USL_PARAMETERS} parameters fitted to only {points} process counts, the curve can "
                 f"pass close to every point whatever law the data follow, so R^2 = {fit.r2:.2f} says "
                 "little here; more process counts (PRESET = \"full\", or make bench) make the fit a test.")
    else:
        trust = (f"R^2 = {fit.r2:.2f} over {points} process counts: the further below 1, the less the "
                 "curve describes these measurements.")
    return (f"Least-squares fit of X(N) = lambda N / (1 + sigma (N-1) + kappa N (N-1)) to the medians: "
            f"lambda = {_rate(fit.lam)} ops/s is the throughput of one process; sigma (kept between 0 and "
            "1) measures contention (with sigma = 0.1, about a tenth of the work is serialized) and kappa "
            "(kept at 0 or above) coherency, the cost of processes keeping each other's view of shared "
            f"data up to date. Here sigma = {fit.sigma:.3f} and kappa = {fit.kappa:.4f}. {shape} Amdahl's "
            "law (kappa = 0, dashed) can only level off, never turn down. On a machine with few cores, "
            f"running out of CPUs also shows up in sigma and kappa. {trust}")

"""Fitting the Universal Scalability Law (USL) with numpy least squares.

The USL models throughput with N processes as::

    X(N) = lam * N / (1 + sigma * (N - 1) + kappa * N * (N - 1))

* ``lam``   (lambda) the throughput of one process,
* ``sigma`` contention, between 0 and 1: roughly the share of the work that is serialized
  (a lock held),
* ``kappa`` coherency: the cost of processes keeping each other's view up to date
  (cache lines bouncing between cores, wake-ups, convoys). It makes throughput *fall*
  after a peak at ``N* = sqrt((1 - sigma) / kappa)``.

Amdahl's law is the special case ``kappa = 0``: throughput rises towards ``lam / sigma``
and never falls.

The fit rewrites the model as a linear one, ``N / X = a + b (N - 1) + c N (N - 1)`` with
``lam = 1/a``, ``sigma = b/a``, ``kappa = c/a``, solves it by weighted least squares
(weights chosen so residuals are measured in throughput units), keeps ``0 <= sigma <= 1``
and ``kappa >= 0`` by trying the sub-models with a parameter held at a bound (sigma at 0 or
1, kappa at 0) and keeping the best feasible one, and finally polishes the result with a few
Gauss-Newton steps on the original, non-linear residuals (projected back into the bounds).
A sigma held at 1 says the data fall faster than any fraction can explain: a second process
already costs as much as it adds (``USLFit.sigma_at_bound``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["USLFit", "usl_throughput", "fit_usl", "fit_amdahl"]


def usl_throughput(n, lam: float, sigma: float, kappa: float):
    """Throughput predicted by the USL for ``n`` processes (scalar or array)."""
    n = np.asarray(n, dtype=float)
    return lam * n / (1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0))


@dataclass(frozen=True)
class USLFit:
    """Result of :func:`fit_usl`. ``peak_n`` is ``inf`` when the curve never turns down."""

    lam: float
    sigma: float
    kappa: float
    rmse: float
    r2: float
    points: int
    amdahl: bool = False

    @property
    def sigma_at_bound(self) -> bool:
        """True when the fit held sigma at its upper bound, 1."""
        return self.sigma >= 1.0 - 1e-9

    @property
    def peak_n(self) -> float:
        """N* = sqrt((1 - sigma) / kappa): the process count with the highest throughput."""
        if self.sigma >= 1.0:
            return 1.0
        if self.kappa <= 0.0:
            return math.inf
        return max(1.0, math.sqrt((1.0 - self.sigma) / self.kappa))

    @property
    def peak_throughput(self) -> float:
        n = self.peak_n
        if math.isinf(n):
            return self.lam / self.sigma if self.sigma > 0 else math.inf
        return float(usl_throughput(n, self.lam, self.sigma, self.kappa))

    def predict(self, n):
        return usl_throughput(n, self.lam, self.sigma, self.kappa)

    def describe(self) -> str:
        name = "Amdahl" if self.amdahl else "USL"
        peak = "never (no coherency term)" if math.isinf(self.peak_n) else f"N* = {self.peak_n:.2f}"
        bound = " (held at its upper bound)" if self.sigma_at_bound else ""
        return (f"{name}: lambda = {self.lam:,.0f} ops/s, sigma = {self.sigma:.3f}{bound}, "
                f"kappa = {self.kappa:.4f}, peak at {peak} (R^2 = {self.r2:.3f})")


def _sse(n, x, lam, sigma, kappa):
    r = x - usl_throughput(n, lam, sigma, kappa)
    return float(r @ r)


def _linear(n, x, sigma, kappa_free):
    """Weighted LS of N/X = a + b (N-1) + c N (N-1); returns (a, b, c).

    ``sigma``: "free" (fit b), 0 (b = 0) or 1 (b = a, so the model is a N + c N (N-1)).
    ``kappa_free``: fit c, else c = 0."""
    y = n / x
    cols = [n if sigma == 1 else np.ones_like(n)]
    if sigma == "free":
        cols.append(n - 1.0)
    if kappa_free:
        cols.append(n * (n - 1.0))
    A = np.column_stack(cols)
    w = x * x / n  # d(N/X) = -(N/X^2) dX, so this weight puts residuals in X units
    coef, *_ = np.linalg.lstsq(A * w[:, None], y * w, rcond=None)
    coef = list(coef)
    a = coef.pop(0)
    b = coef.pop(0) if sigma == "free" else a if sigma == 1 else 0.0
    c = coef.pop(0) if kappa_free else 0.0
    return a, b, c


def _polish(n, x, lam, sigma, kappa, fix_kappa, iterations=50):
    """Gauss-Newton on the original residuals, with sigma, kappa >= 0 (projected)."""
    best = (lam, sigma, kappa)
    best_sse = _sse(n, x, *best)
    for _ in range(iterations):
        lam, sigma, kappa = best
        d = 1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0)
        f = lam * n / d
        J = [n / d, -f * (n - 1.0) / d]
        if not fix_kappa:
            J.append(-f * n * (n - 1.0) / d)
        J = np.column_stack(J)
        step, *_ = np.linalg.lstsq(J, x - f, rcond=None)
        improved = False
        for scale in (1.0, 0.5, 0.25, 0.125):
            cand_l = lam + scale * step[0]
            cand_s = min(1.0, max(0.0, sigma + scale * step[1]))
            cand_k = 0.0 if fix_kappa else max(0.0, kappa + scale * step[2])
            if cand_l <= 0:
                continue
            sse = _sse(n, x, cand_l, cand_s, cand_k)
            if sse < best_sse * (1 - 1e-12):
                best, best_sse, improved = (cand_l, cand_s, cand_k), sse, True
                break
        if not improved:
            break
    return best


def fit_usl(processes, throughput, *, amdahl: bool = False) -> USLFit:
    """Fit the USL (or Amdahl's law, ``amdahl=True``) to measured throughput, with
    ``0 <= sigma <= 1`` and ``kappa >= 0``.

    ``processes`` and ``throughput`` are equal-length sequences (repeats may be given as
    separate points with the same N; a median per N is usually the better input). Needs at
    least two distinct process counts (three for the full USL; with fewer, kappa is 0).
    """
    n = np.asarray(processes, dtype=float).ravel()
    x = np.asarray(throughput, dtype=float).ravel()
    if n.shape != x.shape:
        raise ValueError("processes and throughput must have the same length")
    keep = np.isfinite(n) & np.isfinite(x) & (n >= 1) & (x > 0)
    n, x = n[keep], x[keep]
    distinct = len(np.unique(n))
    if distinct < 2:
        raise ValueError("need throughput for at least two different process counts")
    if distinct < 3:
        amdahl = True

    kappa_modes = (False,) if amdahl else (True, False)
    best = None
    for sigma in ("free", 0, 1):
        for kappa_free in kappa_modes:
            a, b, c = _linear(n, x, sigma, kappa_free)
            if a <= 0 or b < 0 or b > a * (1 + 1e-12) or c < 0:
                continue
            params = (1.0 / a, min(1.0, b / a), c / a)
            sse = _sse(n, x, *params)
            if best is None or sse < best[0]:
                best = (sse, params)
    if best is None:  # degenerate data: fall back to "no scaling loss at all"
        lam = float(np.median(x / n))
        best = (_sse(n, x, lam, 0.0, 0.0), (lam, 0.0, 0.0))
    lam, sigma, kappa = _polish(n, x, *best[1], fix_kappa=amdahl)
    resid = x - usl_throughput(n, lam, sigma, kappa)
    sse = float(resid @ resid)
    sst = float(((x - x.mean()) ** 2).sum())
    r2 = 1.0 - sse / sst if sst > 0 else 1.0
    return USLFit(lam=float(lam), sigma=float(sigma), kappa=float(kappa),
                  rmse=math.sqrt(sse / len(x)), r2=r2, points=len(x), amdahl=amdahl)


def fit_amdahl(processes, throughput) -> USLFit:
    """Amdahl's law: the USL with kappa fixed at 0."""
    return fit_usl(processes, throughput, amdahl=True)

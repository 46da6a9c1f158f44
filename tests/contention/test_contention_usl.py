"""The USL fit recovers known parameters from synthetic data."""
from __future__ import annotations

import math

import numpy as np
import pytest

from course.contention import fit_amdahl, fit_usl, usl_throughput as usl

N = np.arange(1, 17)


@pytest.mark.parametrize("lam, sigma, kappa", [
    (1000.0, 0.05, 0.002),
    (2.5e6, 0.3, 0.01),
    (50.0, 0.0, 0.05),
    (1e4, 0.1, 0.0),
])
def test_exact_data_is_recovered(lam, sigma, kappa):
    fit = fit_usl(N, usl(N, lam, sigma, kappa))
    assert fit.lam == pytest.approx(lam, rel=1e-6)
    assert fit.sigma == pytest.approx(sigma, rel=1e-5, abs=1e-7)
    assert fit.kappa == pytest.approx(kappa, rel=1e-5, abs=1e-8)
    assert fit.r2 == pytest.approx(1.0, abs=1e-9)


def test_noisy_data_is_close():
    rng = np.random.default_rng(7)
    lam, sigma, kappa = 1e6, 0.08, 0.004
    n = np.repeat(N, 5)
    x = usl(n, lam, sigma, kappa) * rng.normal(1.0, 0.01, n.size)
    fit = fit_usl(n, x)
    assert fit.lam == pytest.approx(lam, rel=0.03)
    assert fit.sigma == pytest.approx(sigma, abs=0.02)
    assert fit.kappa == pytest.approx(kappa, abs=0.001)
    assert fit.peak_n == pytest.approx(math.sqrt((1 - sigma) / kappa), rel=0.15)


def test_peak_formula():
    fit = fit_usl(N, usl(N, 100.0, 0.1, 0.01))
    assert fit.peak_n == pytest.approx(math.sqrt(0.9 / 0.01), rel=1e-4)
    assert fit.predict(fit.peak_n) >= max(fit.predict(N))
    assert "N* =" in fit.describe()


def test_amdahl_has_no_coherency_term_and_no_peak():
    x = usl(N, 500.0, 0.2, 0.0)
    fit = fit_amdahl(N, x)
    assert fit.kappa == 0.0 and fit.amdahl
    assert fit.sigma == pytest.approx(0.2, rel=1e-6)
    assert math.isinf(fit.peak_n)
    assert fit.peak_throughput == pytest.approx(500.0 / 0.2, rel=1e-6)
    # forcing Amdahl onto retrograde data still keeps kappa at 0
    assert fit_amdahl(N, usl(N, 500.0, 0.1, 0.02)).kappa == 0.0


def test_negative_parameters_are_never_reported():
    # super-linear data would need sigma < 0; the fit keeps it at 0
    x = 100.0 * N**1.1
    fit = fit_usl(N, x)
    assert fit.sigma >= 0 and fit.kappa >= 0


def test_too_little_data():
    with pytest.raises(ValueError):
        fit_usl([1, 1, 1], [5, 6, 7])
    with pytest.raises(ValueError):
        fit_usl([1, 2], [1.0])
    two = fit_usl([1, 2], [100.0, 150.0])  # two counts: Amdahl only
    assert two.kappa == 0.0 and two.sigma == pytest.approx(1 / 3, rel=1e-6)


def test_sigma_stays_within_zero_and_one():
    # Measured on two cores: a second process makes the lock four times slower in total.
    # Unconstrained, the fit reports sigma > 5, which is no fraction of anything.
    n, x = [1, 2, 4, 8], [3.83e6, 1.01e6, 1.13e6, 1.19e6]
    for fit in (fit_usl(n, x), fit_amdahl(n, x)):
        assert 0.0 <= fit.sigma <= 1.0 and fit.kappa >= 0.0
        assert fit.sigma_at_bound
        assert "held at its upper bound" in fit.describe()
        assert fit.peak_n == 1.0
    inside = fit_usl(N, usl(N, 1e4, 0.1, 0.001))
    assert not inside.sigma_at_bound and "upper bound" not in inside.describe()

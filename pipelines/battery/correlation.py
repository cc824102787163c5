"""Correlation tests on the byte series: autocorrelation, serial correlation,
lag-N correlation and even/odd cross-correlation (upstream category 6).

The lag-k autocorrelation is upstream's r_k = sum_{i<n-k} (x_i - m)(x_{i+k} - m) /
((n - k) v), m and v the mean and (biased) variance of all n bytes. Under
independence r_k is about N(0, 1/n), so 2/sqrt(n) is its two-sided 95% bound. A
constant series has no correlation to measure and fails ("zero variance"), as in
upstream.

- Autocorrelation: lags 1..50, V = number of |r_k| > 2/sqrt(n); P = Pr(Poisson(2.5)
  >= V), 2.5 = 5% of 50 lags (upstream's lambda, floored at 1). From 60 bytes.
- Serial correlation: z = r_1 sqrt(n), two-sided normal P. From 20 bytes.
- Lag-N correlation: lags 1, 2, 4, 8, 16, 32. Upstream passes when max |r_k| <
  2/sqrt(n) and grades by multiples of that bound; with six lags an independent
  series then fails about 1 - 0.954^6 = 24% of the time and grades A only ~10%.
  We give it a P-value instead: z = max |r_k| sqrt(n), P = 1 - (1 - erfc(z/sqrt 2))^6
  (Sidak's correction for six tests), graded and judged like every P-value test.
  From 42 bytes.
- Cross-correlation: Pearson r between even- and odd-indexed bytes,
  t = r sqrt((m - 2) / (1 - r^2)), two-sided P from Student's t with m - 2 degrees
  of freedom (upstream takes the normal limit). From 100 bytes.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc
from scipy.stats import poisson
from scipy.stats import t as student_t

from .result import BatteryResult, Sample, as_sample, degenerate, from_p, insufficient

CATEGORY = "correlation"

#: Lags of the autocorrelation test and of the lag-N test (upstream).
AUTOCORRELATION_LAGS = tuple(range(1, 51))
LAG_N_LAGS = (1, 2, 4, 8, 16, 32)
#: Below this variance the bytes are taken as constant (upstream's 1e-10).
MIN_VARIANCE = 1e-10


def _centred(sample: Sample) -> tuple[np.ndarray, float]:
    """(b - 128 as int64, the biased variance of the bytes)."""
    y = sample.bytes.astype(np.int64) - 128
    total, squares = int(y.sum()), int(np.dot(y, y))
    return y, (squares - total * total / y.size) / y.size


def _lag_input(name: str, data, needed: int) -> tuple[int, np.ndarray, float] | BatteryResult:
    """``(n, centred bytes, variance)`` for the lag tests, or their verdict when there are
    fewer than ``needed`` bytes or the bytes never vary."""
    sample = as_sample(data)
    n = sample.bytes.size
    if n < needed:
        return insufficient(name, CATEGORY, needed, n, "bytes")
    y, variance = _centred(sample)
    if variance < MIN_VARIANCE:
        return degenerate(name, CATEGORY, 1.0, "zero variance")
    return n, y, variance


def _lag_correlations(y: np.ndarray, variance: float, lags) -> np.ndarray:
    """r_k for each lag from exact integer sums.

    sum_{i<n-k} (y_i - m)(y_{i+k} - m) = P_k - m (A_k + B_k) + (n - k) m^2 with
    P_k = sum y_i y_{i+k}, A_k = sum_{i<n-k} y_i, B_k = sum_{i>=k} y_i. Integer dot
    products are exact and do not go through BLAS, whose float dot on offset views is
    slow and erratic on a loaded machine.
    """
    n = y.size
    m = float(y.mean())
    prefix = np.concatenate([[0], np.cumsum(y)])
    out = []
    for k in lags:
        products = int(np.dot(y[:-k], y[k:]))
        head, tail = int(prefix[n - k]), int(prefix[n] - prefix[k])
        out.append((products - m * (head + tail) + (n - k) * m * m) / ((n - k) * variance))
    return np.array(out)


def autocorrelation(data) -> BatteryResult:
    """Count of lags 1..50 whose |r_k| exceeds 2/sqrt(n), against Poisson(2.5)."""
    name = "Autocorrelation"
    prepared = _lag_input(name, data, max(AUTOCORRELATION_LAGS) + 10)
    if isinstance(prepared, BatteryResult):
        return prepared
    n, y, variance = prepared
    r = np.abs(_lag_correlations(y, variance, AUTOCORRELATION_LAGS))
    violations = int(np.count_nonzero(r > 2.0 / math.sqrt(n)))
    lam = max(0.05 * len(AUTOCORRELATION_LAGS), 1.0)
    p = float(poisson.sf(violations - 1, lam)) if violations else 1.0
    details = f"violations={violations}/{len(AUTOCORRELATION_LAGS)}, max|r|={r.max():.4f}"
    return from_p(name, CATEGORY, p, r.max(), details)


def serial_correlation(data) -> BatteryResult:
    """Lag-1 correlation r_1, z = r_1 sqrt(n), two-sided normal P; statistic |r_1|."""
    name = "Serial Correlation"
    prepared = _lag_input(name, data, 20)
    if isinstance(prepared, BatteryResult):
        return prepared
    n, y, variance = prepared
    r = float(_lag_correlations(y, variance, (1,))[0])
    z = r * math.sqrt(n)
    return from_p(name, CATEGORY, erfc(abs(z) / math.sqrt(2.0)), abs(r), f"r={r:.6f}, z={z:.4f}")


def lag_n_correlation(data) -> BatteryResult:
    """Largest |r_k| over lags 1, 2, 4, ..., 32 with a Sidak-corrected P-value."""
    name = "Lag-N Correlation"
    prepared = _lag_input(name, data, max(LAG_N_LAGS) + 10)
    if isinstance(prepared, BatteryResult):
        return prepared
    n, y, variance = prepared
    r = _lag_correlations(y, variance, LAG_N_LAGS)
    largest = float(np.abs(r).max())
    p_one = erfc(largest * math.sqrt(n) / math.sqrt(2.0))
    p = -math.expm1(len(LAG_N_LAGS) * math.log1p(-p_one)) if p_one < 1.0 else 1.0
    details = ", ".join(f"lag{k}={v:.4f}" for k, v in zip(LAG_N_LAGS, r))
    return from_p(name, CATEGORY, p, largest, details)


def cross_correlation(data) -> BatteryResult:
    """Pearson r of even- against odd-indexed bytes, Student's t test; statistic |r|."""
    name = "Cross-Correlation"
    sample = as_sample(data)
    n = sample.bytes.size
    if n < 100:
        return insufficient(name, CATEGORY, 100, n, "bytes")
    m = n // 2
    values = sample.bytes[: 2 * m].astype(np.int64).reshape(m, 2)
    even, odd = values[:, 0], values[:, 1]
    sum_e, sum_o = int(even.sum()), int(odd.sum())
    # Centred sums of squares and products, m times too large, exact in integers.
    see = m * int(np.dot(even, even)) - sum_e * sum_e
    soo = m * int(np.dot(odd, odd)) - sum_o * sum_o
    seo = m * int(np.dot(even, odd)) - sum_e * sum_o
    if min(see, soo) < MIN_VARIANCE * m * m:
        return degenerate(name, CATEGORY, 0.0, "zero variance in one or both halves")
    r = seo / math.sqrt(see * soo)
    t = r * math.sqrt((m - 2) / max(1.0 - r * r, 1e-15))
    p = 2.0 * float(student_t.sf(abs(t), m - 2))
    return from_p(name, CATEGORY, p, abs(r), f"r={r:.6f} (even vs odd bytes)")

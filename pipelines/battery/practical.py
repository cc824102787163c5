"""Practical tests: bit avalanche, Monte Carlo pi, mean and variance (upstream category 10).

- Bit avalanche: D_i = popcount(b_i XOR b_{i+1}) for adjacent bytes. For independent
  uniform bytes the XORs of neighbours are themselves independent and uniform, so D_i
  is Binomial(8, 1/2): mean 4, variance 2. z = (mean D - 4) / sqrt(2 / (n - 1)),
  two-sided normal P. From 100 bytes (upstream).
- Monte Carlo pi: x = b_i / 255 from the first half, y from the second half of the
  bytes; pi ~ 4 x (share of points with x^2 + y^2 <= 1). Graded on the relative error
  |pi_est - pi| / pi with upstream's cuts (A < 1%, B < 3%, C < 10%, D < 20%; pass < 5%).
  Upstream's lattice (0..255 / 255, edges included) has its own bias: the exact share
  over all 65,536 points gives 3.13251, 0.29% low, well inside A. From 200 bytes.
- Mean and variance: mean against 127.5 with sd sqrt(5461.25 / n), 5461.25 = (256^2 -
  1)/12 the variance of a uniform byte; sample variance v against 5461.25 with sd
  sqrt((mu_4 - sigma^4) / n), mu_4 the fourth central moment of a uniform byte. Upstream
  tests v with chi2(n - 1), a law for normal data; uniform bytes are much less
  spread (mu_4 / sigma^4 = 1.8, not 3), so upstream's P-value for the variance is far
  too lenient. P = min of the two two-sided P-values (upstream). From 50 bytes.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc

from .result import BatteryResult, as_sample, from_p, grade_from_thresholds, insufficient, measured

CATEGORY = "practical"

#: Set bits in each byte value.
POPCOUNT = np.unpackbits(np.arange(256, dtype=np.uint8)).reshape(256, 8).sum(axis=1).astype(np.uint8)
#: Moments of a uniform byte: mean, variance, fourth central moment.
_LEVELS = np.arange(256.0)
BYTE_MEAN = 127.5
BYTE_VARIANCE = (256.0**2 - 1.0) / 12.0
BYTE_MU4 = float(np.mean((_LEVELS - BYTE_MEAN) ** 4))
#: Upstream's relative-error cuts for Monte Carlo pi, as (A, B, C, D) upper bounds, and pass.
PI_ERROR_CUTS, PI_ERROR_PASS = (0.01, 0.03, 0.1, 0.2), 0.05


def _two_sided(z: float) -> float:
    return float(erfc(abs(z) / math.sqrt(2.0)))


def bit_avalanche(data) -> BatteryResult:
    """Mean Hamming distance of adjacent bytes against 4; statistic the mean."""
    name = "Bit Avalanche"
    values = as_sample(data).bytes
    n = values.size
    if n < 100:
        return insufficient(name, CATEGORY, 100, n, "bytes")
    distances = POPCOUNT[values[1:] ^ values[:-1]]
    mean = float(distances.mean(dtype=np.float64))
    z = (mean - 4.0) / math.sqrt(2.0 / (n - 1))
    return from_p(name, CATEGORY, _two_sided(z), mean, f"mean_diff={mean:.3f}/8 bits, expected=4.0")


def monte_carlo_pi(data) -> BatteryResult:
    """pi from points (first half, second half) in the unit quarter disc; statistic pi_est."""
    name = "Monte Carlo Pi"
    values = as_sample(data).bytes
    n = values.size
    if n < 200:
        return insufficient(name, CATEGORY, 200, n, "bytes")
    pairs = n // 2
    x = values[:pairs].astype(np.int32)
    y = values[pairs : 2 * pairs].astype(np.int32)
    inside = int(np.count_nonzero(x * x + y * y <= 255 * 255))
    estimate = 4.0 * inside / pairs
    error = abs(estimate - math.pi) / math.pi
    grade = grade_from_thresholds(-error, tuple(-cut for cut in PI_ERROR_CUTS))
    return measured(name, CATEGORY, error < PI_ERROR_PASS, estimate, grade, f"pi~={estimate:.6f}, error={error:.4%}")


def mean_variance(data) -> BatteryResult:
    """Byte mean and variance against a uniform byte's; statistic the mean's |z|."""
    name = "Mean & Variance"
    sample = as_sample(data)
    n = sample.bytes.size
    if n < 50:
        return insufficient(name, CATEGORY, 50, n, "bytes")
    mean = float(sample.floats.mean())
    variance = float(np.mean((sample.floats - mean) ** 2))
    z_mean = (mean - BYTE_MEAN) / math.sqrt(BYTE_VARIANCE / n)
    z_variance = (variance - BYTE_VARIANCE) / math.sqrt((BYTE_MU4 - BYTE_VARIANCE**2) / n)
    p = min(_two_sided(z_mean), _two_sided(z_variance))
    details = f"mean={mean:.2f} (exp 127.5), var={variance:.1f} (exp {BYTE_VARIANCE:.1f})"
    return from_p(name, CATEGORY, p, abs(z_mean), details)

"""Proportion-of-ones tests: frequency (2.1), block frequency (2.2), cumulative sums (2.13).

Section numbers are SP 800-22 rev1a's. Each function takes bits (see ``result.py``),
returns a ``TestResult`` and follows sts-2.1.2 (frequency.c, blockFrequency.c,
cusum.c) wherever it differs from the paper, so that P-values agree with sts.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc, gammaincc, ndtr

from .result import TestResult, as_bits, make_result, not_applicable


def frequency(bits) -> TestResult:
    """Monobit test: is the number of ones close to n/2?

    S_n = sum(2 e_i - 1), s_obs = |S_n| / sqrt(n), P = erfc(s_obs / sqrt(2)).
    """
    eps = as_bits(bits)
    n = eps.size
    if n == 0:
        return not_applicable("Frequency", "empty sequence")
    s_n = 2 * int(np.count_nonzero(eps)) - n
    s_obs = abs(s_n) / math.sqrt(n)
    return make_result("Frequency", [erfc(s_obs / math.sqrt(2))], sum=s_n, s_obs=s_obs)


def block_frequency(bits, block_length: int = 128) -> TestResult:
    """Frequency within N = n // M blocks of M bits (sts default M = 128).

    chi2 = 4 M sum((pi_i - 1/2)^2), P = igamc(N/2, chi2/2); the n mod M trailing bits
    are discarded, as in sts.
    """
    eps = as_bits(bits)
    m = int(block_length)
    if m < 1:
        raise ValueError(f"block_length must be >= 1, got {block_length}")
    blocks = eps.size // m
    if blocks == 0:
        return not_applicable("BlockFrequency", f"{eps.size} bits make no block of M={m} bits")
    ones = eps[: blocks * m].reshape(blocks, m).sum(axis=1, dtype=np.int64)
    v = ones / m - 0.5
    chi2 = 4.0 * m * float(np.sum(v * v))
    return make_result("BlockFrequency", [gammaincc(blocks / 2.0, chi2 / 2.0)], chi2=chi2, blocks=blocks, M=m)


def _c_div(a: int, b: int) -> int:
    """C's integer division (truncates toward zero), which sts's loop bounds use."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def cusum_p_value(z: int, n: int) -> float:
    """P-value of a maximal excursion z over n steps (SP 800-22 2.13.4 step 4).

    The summation bounds use C integer division exactly as cusum.c does:
    k from (-n/z+1)/4 to (n/z-1)/4, and from (-n/z-3)/4 to (n/z-1)/4.
    """
    root_n = math.sqrt(n)
    top = _c_div(_c_div(n, z) - 1, 4)
    k1 = np.arange(_c_div(-_c_div(n, z) + 1, 4), top + 1)
    k2 = np.arange(_c_div(-_c_div(n, z) - 3, 4), top + 1)
    sum1 = np.sum(ndtr((4 * k1 + 1) * z / root_n) - ndtr((4 * k1 - 1) * z / root_n))
    sum2 = np.sum(ndtr((4 * k2 + 3) * z / root_n) - ndtr((4 * k2 + 1) * z / root_n))
    return float(1.0 - sum1 + sum2)


def cumulative_sums(bits) -> TestResult:
    """Maximal excursion of the random walk S_k = sum(2 e_i - 1), forward and reverse.

    Forward z = max_k |S_k|; reverse z = max_k |S_n - S_k| (k = 0..n, S_0 = 0), which is
    the forward statistic of the reversed sequence, as cusum.c computes it.
    """
    eps = as_bits(bits)
    n = eps.size
    if n == 0:
        return not_applicable("CumulativeSums", "empty sequence")
    walk = np.cumsum(2 * eps.astype(np.int32) - 1)
    high = max(int(walk.max()), 0)
    low = min(int(walk.min()), 0)
    total = int(walk[-1])
    z_forward = max(high, -low)
    z_reverse = max(high - total, total - low)
    return make_result(
        "CumulativeSums",
        [cusum_p_value(z_forward, n), cusum_p_value(z_reverse, n)],
        ("forward", "reverse"),
        z_forward=z_forward,
        z_reverse=z_reverse,
    )

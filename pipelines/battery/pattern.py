"""Pattern tests: overlapping template 1111, non-overlapping template 0011 and Maurer's
universal test with L = 6 (upstream category 8). All read bits, MSB first.

- Overlapping template: X = number of the N = n - 3 overlapping 4-bit windows equal
  to 1111, z = (X - N/16) / sigma, two-sided normal P; from 1000 bits (upstream).
  Upstream's sigma^2 = N (1/16)(15/16) is the binomial variance, but occurrences of
  1111 overlap and are positively correlated: a match at i and at i + k (k = 1..3)
  together need 4 + k fixed bits, so
  sigma^2 = N p (1 - p) + 2 sum_{k=1..3} (N - k)(2^-(4+k) - p^2), p = 1/16,
  about 2.47 times upstream's; with upstream's value ideal data fails ~10% of the
  time instead of 1%. We use the exact variance.
  Both template tests count windows byte by byte (``count_windows``, a 65,536-entry
  table per template) and Maurer's test cuts 6-bit blocks from 3-byte groups, so none
  of the three unpacks the bits.
- Non-overlapping template: upstream scans for 0011 and skips past each match. 0011
  cannot overlap itself (no proper prefix equals a suffix), so that count equals the
  number of overlapping windows equal to 0011. Mean (n - 3)/16 and variance
  n (1/2^m - (2m - 1)/2^(2m)), m = 4 (SP 800-22 2.7.4 with one block of n bits, as
  upstream); two-sided normal P. From 1000 bits.
- Maurer's universal (SP 800-22 2.9) with upstream's fixed L = 6, Q = 640
  initialisation blocks and K = n // 6 - 640 >= 100 test blocks (so from 4440
  bits). f_n = mean log2 distance to the previous occurrence of each test block's
  value; expected 5.2177052 and variance 2.954 for L = 6 (SP 800-22 2.9.7, sts's
  table). Upstream's sigma omits the Coron-Naccache factor
  c = 0.7 - 0.8/L + (4 + 32/L) K^(-3/L) / 15 that SP 800-22 and sts apply
  (c ~ 0.57 for large K), which makes it about 1.8 times too lenient; we apply it.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from scipy.special import erfc

from .result import BatteryResult, as_sample, from_p, insufficient

CATEGORY = "pattern"

TEMPLATE_BITS = 4
OVERLAPPING_TEMPLATE = 0b1111
NON_OVERLAPPING_TEMPLATE = 0b0011
#: Maurer's parameters (upstream) and SP 800-22's expected value and variance for L = 6.
MAURER_L, MAURER_Q, MAURER_MIN_K = 6, 640, 100
MAURER_EXPECTED, MAURER_VARIANCE = 5.2177052, 2.954


def _two_sided(z: float) -> float:
    return float(erfc(abs(z) / math.sqrt(2.0)))


@cache
def _template_table(template: int, offsets: int) -> np.ndarray:
    """For each 16-bit word: how many 4-bit windows starting at bits 0..offsets-1 equal template."""
    words = np.arange(1 << 16)
    hits = sum((((words >> (12 - o)) & 0xF) == template).astype(np.uint8) for o in range(offsets))
    return hits.astype(np.uint8)


def count_windows(values: np.ndarray, template: int) -> int:
    """Overlapping 4-bit windows of the bits of ``values`` (MSB first) equal to ``template``.

    Windows starting in byte i lie in the 16-bit word (b_i, b_{i+1}): a table lookup
    per byte counts the 8 windows starting there (5 in the last byte).
    """
    words = (values[:-1].astype(np.uint16) << np.uint16(8)) | values[1:]
    inner = int(_template_table(template, 8)[words].sum(dtype=np.int64))
    return inner + int(_template_table(template, 5)[int(values[-1]) << 8])


def overlapping_template_variance(windows: int) -> float:
    """Exact variance of the overlapping count of 1111 in ``windows`` 4-bit windows."""
    p = 2.0**-TEMPLATE_BITS
    covariance = sum((windows - k) * (2.0 ** -(TEMPLATE_BITS + k) - p * p) for k in range(1, TEMPLATE_BITS))
    return windows * p * (1.0 - p) + 2.0 * covariance


def overlapping_template(data) -> BatteryResult:
    """Overlapping occurrences of 1111 against their exact mean and variance."""
    name = "Overlapping Template"
    values = as_sample(data).bytes
    n = values.size * 8
    if n < 1000:
        return insufficient(name, CATEGORY, 1000, n, "bits")
    windows = n - TEMPLATE_BITS + 1
    count = count_windows(values, OVERLAPPING_TEMPLATE)
    expected = windows / 2.0**TEMPLATE_BITS
    z = (count - expected) / math.sqrt(overlapping_template_variance(windows))
    return from_p(name, CATEGORY, _two_sided(z), abs(z), f"count={count}, expected={expected:.0f}")


def non_overlapping_template(data) -> BatteryResult:
    """Occurrences of the aperiodic template 0011 (SP 800-22 2.7 statistics)."""
    name = "Non-overlapping Template"
    values = as_sample(data).bytes
    n = values.size * 8
    if n < 1000:
        return insufficient(name, CATEGORY, 1000, n, "bits")
    count = count_windows(values, NON_OVERLAPPING_TEMPLATE)
    m = TEMPLATE_BITS
    expected = (n - m + 1) / 2.0**m
    variance = n * (2.0**-m - (2 * m - 1) / 2.0 ** (2 * m))
    z = (count - expected) / math.sqrt(variance)
    return from_p(name, CATEGORY, _two_sided(z), abs(z), f"count={count}, expected={expected:.0f}")


def six_bit_blocks(values: np.ndarray) -> np.ndarray:
    """Consecutive 6-bit blocks of the bits (MSB first), 4 per 3 bytes, zero-padded at the end."""
    padded = np.zeros(-(-values.size // 3) * 3, dtype=np.uint8)
    padded[: values.size] = values
    b0, b1, b2 = padded[0::3], padded[1::3], padded[2::3]
    blocks = np.empty((b0.size, 4), dtype=np.uint8)
    blocks[:, 0] = b0 >> 2
    blocks[:, 1] = ((b0 & 0x03) << 4) | (b1 >> 4)
    blocks[:, 2] = ((b1 & 0x0F) << 2) | (b2 >> 6)
    blocks[:, 3] = b2 & 0x3F
    return blocks.ravel()


def maurers_universal(data) -> BatteryResult:
    """Maurer's f_n with L = 6, Q = 640 against 5.2177052; statistic f_n."""
    name = "Maurer's Universal"
    data_bytes = as_sample(data).bytes
    L, q = MAURER_L, MAURER_Q
    needed = (q + MAURER_MIN_K) * L
    if data_bytes.size * 8 < needed:
        return insufficient(name, CATEGORY, needed, data_bytes.size * 8, "bits")
    total = data_bytes.size * 8 // L
    k = total - q
    values = six_bit_blocks(data_bytes)[:total]
    order = np.argsort(values, kind="stable")  # positions grouped by value, in order
    previous = np.zeros(total, dtype=np.int64)  # 1-based position of the last match, 0 if none
    same = values[order[1:]] == values[order[:-1]]
    previous[order[1:][same]] = order[:-1][same] + 1
    position = np.arange(q + 1, total + 1)
    f_n = float(np.mean(np.log2(position - previous[q:])))
    c = 0.7 - 0.8 / L + (4 + 32 / L) * k ** (-3 / L) / 15
    sigma = c * math.sqrt(MAURER_VARIANCE / k)
    p = erfc(abs(f_n - MAURER_EXPECTED) / (math.sqrt(2.0) * sigma))
    return from_p(name, CATEGORY, p, f_n, f"fn={f_n:.4f}, expected={MAURER_EXPECTED:.4f}, L={L}, K={k}")

"""Entropy tests: Shannon, min-entropy, permutation entropy, compression ratio and
Kolmogorov complexity (upstream category 5).

None has a P-value: each measures a quantity in [0, 1] (or bits per byte) and grades
it with upstream's cut-offs, written beside each test as (A, B, C, D) lower bounds
(strict ">") with the pass bound. Minimum input: 16 bytes for the two byte-histogram
entropies, order + 10 = 14 for permutation entropy, 32 for the compression tests.

- Shannon: ``pipelines.estimates.shannon`` of the byte histogram, over 8 bits.
- Min-entropy: -log2(p_max) of the byte histogram, the plug-in value upstream
  reports. It is not ``estimates.mcv_min_entropy`` (SP 800-90B 6.3.1), which
  lowers it by a 99% upper bound on p_max; upstream's cuts are for the plug-in.
- Permutation entropy (Bandt and Pompe 2002), order 4: the ordinal pattern of each
  window of 4 consecutive bytes, ties ranked by position (upstream's stable sort),
  Shannon entropy of the pattern counts over log2(4!) = log2(24). The pattern is
  encoded by its 6 pairwise comparisons w_i > w_j (i < j), which fix a permutation
  one to one under that tie rule. We use all n - 3 windows (upstream's loop stops one
  short, a difference of one window).
- Compression ratio: len(zlib.compress(data, 9)) / n (flate2 ``Compression::best``
  is zlib level 9). Random bytes do not compress: ratio just above 1.
- Kolmogorov complexity: the same level-9 ratio as the estimate K, with the spread
  (c1 - c9) / n between levels 1 and 9 in the details, as upstream.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..estimates import shannon
from .result import BatteryResult, as_sample, grade_from_thresholds, insufficient, measured

CATEGORY = "entropy"

#: (A, B, C, D) cuts and the pass cut of each test, from upstream (see module doc).
SHANNON_CUTS, SHANNON_PASS = (0.95, 0.85, 0.7, 0.5), 0.85
MIN_ENTROPY_CUTS, MIN_ENTROPY_PASS = (0.9, 0.75, 0.5, 0.25), 0.7
PERMUTATION_CUTS, PERMUTATION_PASS = (0.95, 0.85, 0.7, 0.5), 0.85
COMPRESSION_CUTS, COMPRESSION_PASS = (0.95, 0.85, 0.7, 0.5), 0.85
PERMUTATION_ORDER = 4


def shannon_entropy(data) -> BatteryResult:
    """Shannon entropy of the byte histogram in bits per byte; graded on H / 8."""
    name = "Shannon Entropy"
    values = as_sample(data).bytes
    if values.size < 16:
        return insufficient(name, CATEGORY, 16, values.size, "bytes")
    h = shannon(values)
    ratio = h / 8.0
    grade = grade_from_thresholds(ratio, SHANNON_CUTS)
    return measured(name, CATEGORY, ratio > SHANNON_PASS, h, grade, f"{h:.4f} / 8.0 bits ({ratio:.1%})")


def min_entropy(data) -> BatteryResult:
    """Plug-in min-entropy -log2(p_max) of the byte histogram; graded on H_min / 8."""
    name = "Min-Entropy"
    values = as_sample(data).bytes
    if values.size < 16:
        return insufficient(name, CATEGORY, 16, values.size, "bytes")
    p_max = np.bincount(values, minlength=256).max() / values.size
    h_min = -math.log2(p_max)
    ratio = h_min / 8.0
    grade = grade_from_thresholds(ratio, MIN_ENTROPY_CUTS)
    return measured(name, CATEGORY, ratio > MIN_ENTROPY_PASS, h_min, grade, f"{h_min:.4f} / 8.0 bits ({ratio:.1%})")


def permutation_entropy(data) -> BatteryResult:
    """Normalised Shannon entropy of order-4 ordinal patterns of the bytes."""
    name = "Permutation Entropy"
    values = as_sample(data).bytes
    needed = PERMUTATION_ORDER + 10
    if values.size < needed:
        return insufficient(name, CATEGORY, needed, values.size, "bytes")
    windows = sliding_window_view(values, PERMUTATION_ORDER)
    code = np.zeros(windows.shape[0], dtype=np.uint8)
    bit = 0
    for i in range(PERMUTATION_ORDER):
        for j in range(i + 1, PERMUTATION_ORDER):
            code |= (windows[:, i] > windows[:, j]).astype(np.uint8) << np.uint8(bit)
            bit += 1
    counts = np.bincount(code, minlength=1 << bit)
    p = counts[counts > 0] / code.size
    h = float(-(p * np.log2(p)).sum())
    h_max = math.log2(math.factorial(PERMUTATION_ORDER))
    normalised = h / h_max
    grade = grade_from_thresholds(normalised, PERMUTATION_CUTS)
    details = f"PE={h:.4f}/{h_max:.4f} = {normalised:.4f}"
    return measured(name, CATEGORY, normalised > PERMUTATION_PASS, normalised, grade, details)


def _zlib_length(values: np.ndarray, level: int) -> int:
    return len(zlib.compress(values.tobytes(), level))


def compression_ratio(data) -> BatteryResult:
    """zlib level-9 compressed size over input size."""
    name = "Compression Ratio"
    values = as_sample(data).bytes
    n = values.size
    if n < 32:
        return insufficient(name, CATEGORY, 32, n, "bytes")
    compressed = _zlib_length(values, 9)
    ratio = compressed / n
    grade = grade_from_thresholds(ratio, COMPRESSION_CUTS)
    return measured(name, CATEGORY, ratio > COMPRESSION_PASS, ratio, grade, f"{compressed}/{n} = {ratio:.4f}")


def kolmogorov_complexity(data) -> BatteryResult:
    """Compression estimate of Kolmogorov complexity: level-9 ratio, level 1-9 spread."""
    name = "Kolmogorov Complexity"
    values = as_sample(data).bytes
    n = values.size
    if n < 32:
        return insufficient(name, CATEGORY, 32, n, "bytes")
    c1, c9 = _zlib_length(values, 1), _zlib_length(values, 9)
    complexity = c9 / n
    spread = (c1 - c9) / n
    grade = grade_from_thresholds(complexity, COMPRESSION_CUTS)
    details = f"K~={complexity:.4f}, spread={spread:.4f}"
    return measured(name, CATEGORY, complexity > COMPRESSION_PASS, complexity, grade, details)

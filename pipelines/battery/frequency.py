"""Frequency tests: monobit frequency, block frequency, byte frequency (upstream category 1).

Monobit and block frequency are the SP 800-22 statistics, computed by
``openentropy.pipelines.sp80022`` (frequency, block_frequency with M = 128); only the
minimum input is upstream's: 100 bits for monobit, ten 128-bit blocks for block
frequency. Byte frequency is Pearson's chi-square of the 256 byte counts against
n/256 each, 255 degrees of freedom, from 256 bytes on (upstream's limits).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

from ..sp80022 import block_frequency as sp_block_frequency
from ..sp80022 import frequency as sp_frequency
from .result import BatteryResult, as_sample, from_p, insufficient

CATEGORY = "frequency"

#: Block length of the block frequency test (upstream and sts default).
BLOCK_BITS = 128


def monobit_frequency(data) -> BatteryResult:
    """Proportion of ones: SP 800-22 2.1, P = erfc(|S_n| / sqrt(2n)); statistic s_obs."""
    name = "Monobit Frequency"
    bits = as_sample(data).bits
    if bits.size < 100:
        return insufficient(name, CATEGORY, 100, bits.size, "bits")
    result = sp_frequency(bits)
    s = int(result.statistics["sum"])
    return from_p(name, CATEGORY, result.p_values[0], result.statistics["s_obs"], f"S={s}, n={bits.size}")


def block_frequency(data) -> BatteryResult:
    """Ones per 128-bit block: SP 800-22 2.2, chi2 with N = n // 128 degrees of freedom."""
    name = "Block Frequency"
    bits = as_sample(data).bits
    if bits.size // BLOCK_BITS < 10:
        return insufficient(name, CATEGORY, 10 * BLOCK_BITS, bits.size, "bits")
    result = sp_block_frequency(bits, BLOCK_BITS)
    blocks = int(result.statistics["blocks"])
    return from_p(name, CATEGORY, result.p_values[0], result.statistics["chi2"], f"blocks={blocks}, M={BLOCK_BITS}")


def byte_frequency(data) -> BatteryResult:
    """Chi-square of the byte histogram against uniform, 255 degrees of freedom."""
    name = "Byte Frequency"
    values = as_sample(data).bytes
    n = values.size
    if n < 256:
        return insufficient(name, CATEGORY, 256, n, "bytes")
    expected = n / 256.0
    counts = np.bincount(values, minlength=256)
    statistic = float(np.sum((counts - expected) ** 2) / expected)
    return from_p(name, CATEGORY, chi2.sf(statistic, 255), statistic, f"n={n}, expected_per_bin={expected:.1f}")

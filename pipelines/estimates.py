"""Quick entropy estimates on extracted bytes, cheap enough to run every round.

These are the per-round figures the pool uses for crediting and health display; the
full SP 800-90B estimator suite is in ``pipelines/estimators``. All treat the input as
8-bit symbols and return bits per byte.
"""

from __future__ import annotations

import math

import numpy as np

#: z for the upper bound of a 99% two-sided confidence interval, as in SP 800-90B
#: section 6.3.1 (the most-common-value estimate).
Z_99 = 2.576


def _counts(data: np.ndarray) -> np.ndarray:
    return np.bincount(np.asarray(data, dtype=np.uint8), minlength=256)


def shannon(data: np.ndarray) -> float:
    """Shannon entropy of the byte histogram, in bits per byte (0..8); 0 for no data."""
    if len(data) == 0:
        return 0.0
    p = _counts(data) / len(data)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def mcv_min_entropy(data: np.ndarray) -> float:
    """SP 800-90B 6.3.1 most-common-value min-entropy, in bits per byte (0..8).

    p_u = min(1, p_hat + Z_99 * sqrt(p_hat (1 - p_hat) / (n - 1))); H = -log2(p_u).
    Fewer than two bytes carry no usable estimate and give 0.
    """
    n = len(data)
    if n < 2:
        return 0.0
    p_hat = _counts(data).max() / n
    p_upper = min(1.0, p_hat + Z_99 * math.sqrt(p_hat * (1.0 - p_hat) / (n - 1)))
    return float(-math.log2(p_upper)) if p_upper < 1.0 else 0.0


def markov_min_entropy(data: np.ndarray) -> float:
    """SP 800-90B 6.3.3 Markov estimate on the bytes' bit stream, scaled to bits per byte.

    The Markov estimate is defined for binary data: it catches serial dependence
    between neighbouring bits that the MCV estimate, which sees only frequencies,
    cannot. 8 x (bits per bit) is what SP 800-90B 3.1.3 does with a bitstring estimate.
    """
    from .estimators import markov

    if len(data) < 2:
        return 0.0
    estimate = markov(np.unpackbits(np.asarray(data, dtype=np.uint8)))
    return 8.0 * estimate.h if estimate.h is not None else 0.0


def online_min_entropy(data: np.ndarray) -> float:
    """The per-round estimate used for crediting: min(MCV, Markov), bits per byte."""
    return min(mcv_min_entropy(data), markov_min_entropy(data))

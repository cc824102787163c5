"""Quick entropy estimates on extracted bytes, cheap enough to run every round.

These are the per-round figures the pool uses for crediting and health display; the
full SP 800-90B estimator suite is in ``pipelines/estimators``. All treat the input as
8-bit symbols and return bits per byte.

    shannon             the byte histogram's Shannon entropy (display, not credit)
    mcv_min_entropy     SP 800-90B 6.3.1: catches a skewed histogram
    markov_min_entropy  SP 800-90B 6.3.3 on the bits: catches dependence between neighbouring bits
    deflate_bound       (deflate_bound.py) catches repeats: constants, periods, counters, ramps
    online_min_entropy  the credit estimate: the smallest of the last three

``online_min_entropy`` reads at most ``SAMPLE_BYTES`` for the two costly parts (Markov,
deflate): a longer round is read in ``SAMPLE_WINDOWS`` evenly spaced windows (see
``online_sample``). MCV reads everything: it is one histogram, and more bytes tighten
its bound. Cost here on 64 KiB: MCV ~0.1 ms, Markov ~1.5 ms, deflate ~2 ms; measured
for 4 KiB, 64 KiB and 1 MiB by benchmarks/online_estimate.py.
"""

from __future__ import annotations

import math

import numpy as np

from .deflate_bound import deflate_bound

#: z for the upper bound of a 99% two-sided confidence interval, as in SP 800-90B
#: section 6.3.1 (the most-common-value estimate).
Z_99 = 2.576
#: Most bytes the per-round Markov and deflate estimates read: twice the largest round a
#: shipped profile collects per source (paranoid: 32768 samples); it keeps their cost at
#: a few ms whatever a round holds (benchmarks/online_estimate.py).
SAMPLE_BYTES = 65536
#: A longer round is read in this many evenly spaced windows of SAMPLE_BYTES / 4 bytes,
#: the first starting at its first byte and the last ending at its last. Each window lies
#: inside its own quarter of the round, so a source predictable for a whole quarter (or
#: from some point to the end) is seen; a 16 KiB window holds four 4 KiB deflate blocks.
SAMPLE_WINDOWS = 4


def _counts(data: np.ndarray) -> np.ndarray:
    return np.bincount(np.asarray(data, dtype=np.uint8), minlength=256)


def shannon(data: np.ndarray) -> float:
    """Shannon entropy of the byte histogram, in bits per byte (0..8); 0 for no data."""
    if len(data) == 0:
        return 0.0
    p = _counts(data) / len(data)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum()) + 0.0  # + 0.0: one symbol gives 0.0, not -0.0


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


def online_sample(data: np.ndarray) -> np.ndarray:
    """``data`` itself up to SAMPLE_BYTES, else SAMPLE_WINDOWS evenly spaced windows, joined.

    The joins add SAMPLE_WINDOWS - 1 neighbour pairs that are not neighbours in the round:
    3 of 524,287 bit transitions for Markov; for deflate a window is coded with the
    earlier windows as its past, which keeps its code a valid one (deflate_bound.py).
    """
    data = np.asarray(data, dtype=np.uint8).ravel()
    n = len(data)
    if n <= SAMPLE_BYTES:
        return data
    width = SAMPLE_BYTES // SAMPLE_WINDOWS
    starts = np.linspace(0, n - width, SAMPLE_WINDOWS).astype(np.int64)
    return np.concatenate([data[s : s + width] for s in starts])


def online_min_entropy(data: np.ndarray) -> float:
    """The per-round estimate used for crediting, in bits per byte (0..8).

    min(MCV over all bytes, Markov and deflate_bound over ``online_sample``). MCV and
    Markov are SP 800-90B's min-entropy estimates for frequencies and for neighbouring
    bits; the deflate bound is not a min-entropy estimate but an upper bound on what a
    block can hold, which falls to ~0.04-0.16 on deterministic data (a counter, a short
    period, a ramp, an LCG mod 256) and stays at 8 on uniform noise (deflate_bound.py).
    Fewer than two bytes give 0.
    """
    data = np.asarray(data, dtype=np.uint8).ravel()
    sample = online_sample(data)
    return min(mcv_min_entropy(data), markov_min_entropy(sample), deflate_bound(sample))

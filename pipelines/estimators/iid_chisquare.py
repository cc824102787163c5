"""SP 800-90B 5.2.1-5.2.4: the chi-square independence and goodness-of-fit tests, as ea_iid runs them.

Input: translated symbols 0..k-1 (``symbols.translate``). Output: :class:`ChiSquare`
(T, degrees of freedom, p-value) for each test; a test fails when p < 0.001
(``ALPHA``, 5.2 "at the 0.001 significance level"). Nothing here credits entropy.

Non-binary data (k > 2), following ea_iid (iid/chi_square_tests.h):
- independence (5.2.1): expected count of the pair (a, b) among the floor(n/2)
  non-overlapping pairs is p_a p_b floor(n/2); pairs are sorted by expectation (ties by
  pair value a k + b) and gathered into bins of expectation >= 5 (``MIN_EXPECTED``, the
  5.2.1 step 2 rule), a short last bin joining the one before; T = sum over bins of
  (o - e)^2 / e; df = bins - k.
- goodness of fit (5.2.2): the data in 10 blocks of floor(n/10); expected count of a
  symbol per block p_s floor(n/10), binned the same way; T sums over blocks and bins;
  df = 9 (bins - 1).

Binary data (k == 2):
- independence (5.2.3): m = the largest of 2..11 with min(p0, p1)^m floor(n/m) >= 5;
  non-overlapping m-bit tuples against p1^w p0^(m-w) floor(n/m); df = 2^m - 2. When no
  m >= 2 qualifies T = 0, df = 0 and (like the tool) the p-value is 1.
- goodness of fit (5.2.4): 10 blocks of floor(n/10) bits, counts of 0s and 1s; df = 9.

The p-value is Q(df/2, T/2), the regularized upper incomplete gamma (the tool uses
cephes' igamc, scipy its successor; they agree to the last printed digits).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaincc

#: 5.2: "the test fails if the p-value is less than 0.001".
ALPHA = 0.001
#: 5.2.1 step 2 / 5.2.2: bins are built until their expected count is at least 5.
MIN_EXPECTED = 5.0
#: 5.2.3: the longest tuple tried for binary data.
MAX_BINARY_TUPLE = 11
#: 5.2.2, 5.2.4: the data are split into 10 sub-sequences.
BLOCKS = 10


@dataclass(frozen=True)
class ChiSquare:
    """One chi-square test: ``t`` (the statistic), ``df``, ``p_value``, ``passed``."""

    name: str
    t: float
    df: int
    p_value: float

    @property
    def passed(self) -> bool:
        return self.p_value >= ALPHA


def proportions(symbols: np.ndarray, k: int) -> np.ndarray:
    """Each symbol's proportion as ea_iid's ``calc_proportions`` forms it: 1/n added
    once per occurrence, in doubles (not count / n; the two differ in the last bits,
    which the reference T values show)."""
    n = len(symbols)
    counts = np.bincount(symbols, minlength=k)
    steps = np.cumsum(np.full(int(counts.max()), 1.0 / n))
    return np.where(counts > 0, steps[np.maximum(counts, 1) - 1], 0.0)


def p_value(t: float, df: int) -> float:
    """Q(df/2, t/2); 1 when df or t is not positive (cephes igamc's convention)."""
    if df <= 0 or t <= 0:
        return 1.0
    return float(gammaincc(df / 2.0, t / 2.0))


def _bins(expectations: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(bin of each entry, expected count of each bin): entries sorted by (expectation,
    key), a bin closed once it reaches MIN_EXPECTED, a short last bin merged back."""
    order = np.lexsort((keys, expectations))
    bin_of = np.empty(len(expectations), dtype=np.int64)
    totals: list[float] = []
    current = 0.0
    for index in order.tolist():
        if current >= MIN_EXPECTED:
            totals.append(current)
            current = 0.0
        bin_of[index] = len(totals)
        current += float(expectations[index])
    if totals and current < MIN_EXPECTED:
        bin_of[bin_of == len(totals)] = len(totals) - 1
        totals[-1] += current
    else:
        totals.append(current)
    return bin_of, np.array(totals)


def _t(observed: np.ndarray, expected: np.ndarray) -> float:
    total = 0.0
    for o, e in zip(observed.tolist(), expected.tolist()):
        total += (o - e) ** 2 / e
    return total


def independence(symbols: np.ndarray, k: int) -> ChiSquare:
    """5.2.1 (k > 2) or 5.2.3 (k == 2)."""
    n = len(symbols)
    if k == 2:
        return _binary_independence(symbols)
    p = proportions(symbols, k)
    half = math.floor(n * 0.5)
    expect = (p[:, None] * p[None, :] * half).ravel()
    bin_of, totals = _bins(expect, np.arange(k * k))
    pairs = symbols[: n - n % 2].astype(np.int64).reshape(-1, 2)
    observed = np.bincount(bin_of[pairs[:, 0] * k + pairs[:, 1]], minlength=len(totals))
    t = _t(observed, totals)
    df = len(totals) - k
    return ChiSquare("independence", t, df, p_value(t, df))


def _binary_independence(bits: np.ndarray) -> ChiSquare:
    n = len(bits)
    p1 = float(bits.sum(dtype=np.int64)) / n
    p0 = 1.0 - p1
    low = min(p0, p1)
    m = MAX_BINARY_TUPLE
    while m > 1 and not low**m * (n // m) >= MIN_EXPECTED:
        m -= 1
    if m < 2:
        return ChiSquare("independence", 0.0, 0, 1.0)
    blocks = n // m
    weights = 1 << np.arange(m - 1, -1, -1)
    tuples = bits[: blocks * m].astype(np.int64).reshape(blocks, m) @ weights
    occ = np.bincount(tuples, minlength=1 << m)
    t = 0.0
    for value, o in enumerate(occ.tolist()):
        w = bin(value).count("1")
        e = p1**w * p0 ** (m - w) * blocks
        t += (o - e) ** 2 / e
    df = (1 << m) - 2
    return ChiSquare("independence", t, df, p_value(t, df))


def goodness_of_fit(symbols: np.ndarray, k: int) -> ChiSquare:
    """5.2.2 (k > 2) or 5.2.4 (k == 2)."""
    n = len(symbols)
    size = n // BLOCKS
    if k == 2:
        p = float(symbols.sum(dtype=np.int64)) / n
        e0, e1 = (1.0 - p) * size, p * size
        t = 0.0
        for j in range(BLOCKS):
            o1 = int(symbols[j * size : (j + 1) * size].sum(dtype=np.int64))
            t += (size - o1 - e0) ** 2 / e0 + (o1 - e1) ** 2 / e1
        return ChiSquare("goodness_of_fit", t, BLOCKS - 1, p_value(t, BLOCKS - 1))
    p = proportions(symbols, k)
    expect = p * math.floor(n / 10.0)
    bin_of, totals = _bins(expect, np.arange(k))
    t = 0.0
    for j in range(BLOCKS):
        block = symbols[j * size : (j + 1) * size]
        t += _t(np.bincount(bin_of[block], minlength=len(totals)), totals)
    df = (BLOCKS - 1) * (len(totals) - 1)
    return ChiSquare("goodness_of_fit", t, df, p_value(t, df))


def chi_square_tests(symbols: np.ndarray, k: int) -> tuple[ChiSquare, ChiSquare]:
    """(independence, goodness of fit), ea_iid's order."""
    return independence(symbols, k), goodness_of_fit(symbols, k)

"""Pattern-frequency tests: approximate entropy (SP 800-22 rev1a 2.12), serial (2.11)
and Maurer's universal statistical test (2.9), as sts-2.1.2 computes them.

Approximate entropy and serial count the 2^m patterns among the n cyclic m-bit
windows (the sequence wraps around, as in approximateEntropy.c and serial.c); counts
for m-1 and m-2 are folded from the m-bit ones (see ``windows.fold_counts``).

Universal (universal.c) picks L from n with sts's thresholds, Q = 10 * 2^L
initialisation blocks and K = n // L - Q test blocks; the expected values and
variances are sts's tables (SP 800-22 2.9.7 / Maurer), and sigma carries the
Coron-Naccache factor c = 0.7 - 0.8/L + (4 + 32/L) K^(-3/L) / 15, as sts does.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc, gammaincc

from .result import TestResult, as_bits, make_result, not_applicable
from .windows import fold_counts, pattern_counts


def _phi(counts: np.ndarray, n: int) -> float:
    """sum over seen patterns of (c/n) ln(c/n): approximateEntropy.c's ApEn[r]."""
    seen = counts[counts > 0].astype(np.float64)
    return float(np.sum(seen * np.log(seen / n)) / n)


def approximate_entropy(bits, block_length: int = 10) -> TestResult:
    """ApEn(m) = phi_m - phi_{m+1}; chi2 = 2n(ln 2 - ApEn); P = igamc(2^(m-1), chi2/2).

    sts only warns when m > log2(n) - 5 and computes the value anyway; so does this
    (``statistics["m_recommended"]`` is 0 then).
    """
    eps = as_bits(bits)
    n, m = eps.size, int(block_length)
    if m < 1:
        raise ValueError(f"block_length must be >= 1, got {block_length}")
    if n == 0:
        return not_applicable("ApproximateEntropy", "empty sequence")
    counts_next = pattern_counts(eps, m + 1)
    apen = _phi(fold_counts(counts_next), n) - _phi(counts_next, n)
    chi2 = 2.0 * n * (math.log(2) - apen)
    recommended = m <= int(math.log(n) / math.log(2) - 5)
    p = gammaincc(2.0 ** (m - 1), chi2 / 2.0)
    return make_result("ApproximateEntropy", [p], ApEn=apen, chi2=chi2, m_recommended=int(recommended))


def _psi2(counts: np.ndarray, n: int) -> float:
    """psi^2_m = 2^m / n sum(count^2) - n (serial.c's psi2; 0 for m = 0 or -1)."""
    m = counts.size.bit_length() - 1
    return float(np.sum(counts * counts)) * 2.0**m / n - n


def serial(bits, block_length: int = 16) -> TestResult:
    """Serial test: del psi^2_m and del^2 psi^2_m, two P-values (sts's p_value1, p_value2).

    P1 = igamc(2^(m-1)/2, del/2), P2 = igamc(2^(m-2)/2, del2/2).
    """
    eps = as_bits(bits)
    n, m = eps.size, int(block_length)
    if m < 2:
        raise ValueError(f"block_length must be >= 2, got {block_length}")
    if n == 0:
        return not_applicable("Serial", "empty sequence")
    counts = pattern_counts(eps, m)
    psi = [_psi2(counts, n)]
    for _ in (1, 2):
        counts = fold_counts(counts)
        psi.append(_psi2(counts, n) if counts.size > 1 else 0.0)
    del1 = psi[0] - psi[1]
    del2 = psi[0] - 2.0 * psi[1] + psi[2]
    p1 = gammaincc(2.0 ** (m - 1) / 2, del1 / 2.0)
    p2 = gammaincc(2.0 ** (m - 2) / 2, del2 / 2.0)
    return make_result("Serial", [p1, p2], ("p_value1", "p_value2"), del1=del1, del2=del2)


#: Smallest n for each L = 6..16 (universal.c: n >= 1010 * 2^L * L, rounded as sts has it).
UNIVERSAL_MIN_N = {
    6: 387840, 7: 904960, 8: 2068480, 9: 4654080, 10: 10342400, 11: 22753280,
    12: 49643520, 13: 107560960, 14: 231669760, 15: 496435200, 16: 1059061760,
}
#: Expected value and variance of f_n for L = 6..16 (universal.c; SP 800-22 2.9.7).
UNIVERSAL_EXPECTED = {
    6: 5.2177052, 7: 6.1962507, 8: 7.1836656, 9: 8.1764248, 10: 9.1723243, 11: 10.170032,
    12: 11.168765, 13: 12.168070, 14: 13.167693, 15: 14.167488, 16: 15.167379,
}
UNIVERSAL_VARIANCE = {
    6: 2.954, 7: 3.125, 8: 3.238, 9: 3.311, 10: 3.356, 11: 3.384,
    12: 3.401, 13: 3.410, 14: 3.416, 15: 3.419, 16: 3.421,
}


def universal(bits) -> TestResult:
    """Maurer's test: mean log2 distance between repeats of L-bit blocks.

    Not applicable below n = 387,840 bits, where sts's L would be 5 and sts reports
    "L IS OUT OF RANGE".
    """
    eps = as_bits(bits)
    n = eps.size
    fitting = [L for L, low in UNIVERSAL_MIN_N.items() if n >= low]
    if not fitting:
        return not_applicable("Universal", f"{n} bits: sts needs n >= {UNIVERSAL_MIN_N[6]} (L >= 6)")
    L = fitting[-1]
    q = 10 * 2**L
    k = n // L - q
    blocks = eps[: (q + k) * L].reshape(q + k, L)
    values = blocks.astype(np.int64) @ (1 << np.arange(L - 1, -1, -1, dtype=np.int64))
    order = np.argsort(values, kind="stable")
    position = order + 1  # sts numbers blocks from 1
    previous = np.zeros(q + k, dtype=np.int64)
    same = values[order[1:]] == values[order[:-1]]
    previous[order[1:][same]] = position[:-1][same]
    tested = np.arange(q + 1, q + k + 1)
    total = float(np.sum(np.log(tested - previous[q:]) / math.log(2)))
    phi = total / k
    c = 0.7 - 0.8 / L + (4 + 32 / L) * k ** (-3 / L) / 15
    sigma = c * math.sqrt(UNIVERSAL_VARIANCE[L] / k)
    arg = abs(phi - UNIVERSAL_EXPECTED[L]) / (math.sqrt(2) * sigma)
    return make_result("Universal", [erfc(arg)], phi=phi, L=L, Q=q, K=k, sigma=sigma)

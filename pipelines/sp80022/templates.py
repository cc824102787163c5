"""Template matching tests: non-overlapping (SP 800-22 rev1a 2.7) and overlapping (2.8).

Non-overlapping follows sts-2.1.2's nonOverlappingTemplateMatchings.c: N = 8 blocks of
M = n // 8 bits, every aperiodic m-bit template (148 for m = 9, the contents and order
of sts's templates/template9 file), lambda = (M-m+1)/2^m and
var = M (1/2^m - (2m-1)/2^(2m)). After a match sts skips m-1 positions; an aperiodic
template cannot overlap itself, so that count is simply the number of positions where
it occurs, and one histogram of all m-bit windows per block serves every template.

Overlapping follows overlappingTemplateMatchings.c: the all-ones template of length
m = 9, blocks of M = 1032 bits, K = 5, and class probabilities computed by sts's
Pr(u, eta) (the hard-coded table in the source is overwritten by it).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.special import gammaincc, gammaln

from .result import TestResult, as_bits, make_result, not_applicable
from .windows import window_values


def is_aperiodic(template: str) -> bool:
    """True when no proper shift of the template overlaps itself (B[s:] != B[:m-s])."""
    m = len(template)
    return all(template[s:] != template[: m - s] for s in range(1, m))


@lru_cache(maxsize=None)
def aperiodic_templates(m: int = 9) -> tuple[str, ...]:
    """All aperiodic m-bit templates in increasing binary order (sts's file order)."""
    if not 2 <= m <= 21:
        raise ValueError(f"template length must be 2..21, got {m}")
    return tuple(t for t in (format(v, f"0{m}b") for v in range(1 << m)) if is_aperiodic(t))


def _block_windows(eps: np.ndarray, m: int, blocks: int, block_length: int) -> np.ndarray:
    """(blocks, M-m+1) values of the m-bit windows lying wholly inside each block."""
    values = window_values(eps[: blocks * block_length], m)
    padded = np.zeros(blocks * block_length, dtype=np.uint32)
    padded[: values.size] = values
    return padded.reshape(blocks, block_length)[:, : block_length - m + 1]


def _block_histograms(eps: np.ndarray, m: int, blocks: int, block_length: int) -> np.ndarray:
    """(blocks, 2^m) counts of the m-bit windows lying wholly inside each block."""
    inside = _block_windows(eps, m, blocks, block_length).astype(np.int64)
    keys = inside + (np.arange(blocks, dtype=np.int64)[:, None] << m)
    return np.bincount(keys.ravel(), minlength=blocks << m).reshape(blocks, 1 << m)


def non_overlapping_template_matching(bits, template_length: int = 9, blocks: int = 8, templates=None) -> TestResult:
    """Occurrences of each aperiodic template in each of N blocks; one P-value per template.

    ``templates`` defaults to every aperiodic template of ``template_length`` bits;
    given explicitly, each must be an aperiodic 0/1 string of that length (the
    statistic is only defined for those).
    """
    name = "NonOverlappingTemplate"
    eps = as_bits(bits)
    m = int(template_length)
    chosen = aperiodic_templates(m) if templates is None else tuple(templates)
    for t in chosen:
        if len(t) != m or set(t) - {"0", "1"} or not is_aperiodic(t):
            raise ValueError(f"template {t!r} must be an aperiodic string of {m} bits (0/1)")
    block_length = eps.size // blocks
    lam = (block_length - m + 1) / 2.0**m
    if lam <= 0:
        return not_applicable(name, f"{eps.size} bits give blocks of {block_length} bits, shorter than m={m}")
    var = block_length * (1.0 / 2.0**m - (2.0 * m - 1.0) / 2.0 ** (2.0 * m))
    hist = _block_histograms(eps, m, blocks, block_length)
    columns = np.array([int(t, 2) for t in chosen], dtype=np.int64)
    w = hist[:, columns]  # (blocks, templates)
    chi2 = np.sum((w - lam) ** 2, axis=0) / var
    p = gammaincc(blocks / 2.0, chi2 / 2.0)
    stats = {"lambda": lam, "variance": var, "M": block_length}
    return make_result(name, p, chosen, **stats)


def overlapping_probabilities(eta: float, k: int) -> np.ndarray:
    """Class probabilities pi_0..pi_K from sts's Pr(u, eta); pi_K = 1 - sum of the rest.

    Pr(0) = e^-eta; Pr(u) = sum_{l=1..u} exp(-eta - u ln 2 + l ln eta - lnG(l+1)
    + lnG(u) - lnG(l) - lnG(u-l+1)) (overlappingTemplateMatchings.c).
    """
    pi = np.empty(k + 1)
    for u in range(k):
        if u == 0:
            pi[u] = math.exp(-eta)
        else:
            pi[u] = sum(
                math.exp(
                    -eta - u * math.log(2) + l * math.log(eta)
                    - gammaln(l + 1) + gammaln(u) - gammaln(l) - gammaln(u - l + 1)
                )
                for l in range(1, u + 1)
            )
    pi[k] = 1.0 - pi[:k].sum()
    return pi


def overlapping_template_matching(bits, template_length: int = 9, block_length: int = 1032, classes: int = 5) -> TestResult:
    """Overlapping occurrences of the all-ones template per block, binned 0..K (K = >=K).

    sts fixes M = 1032 and K = 5; the parameters exist for the document's small
    example (m = 2, M = 10, K = 2). P = igamc(K/2, chi2/2).
    """
    name = "OverlappingTemplate"
    eps = as_bits(bits)
    m, big_m, k = int(template_length), int(block_length), int(classes)
    count = eps.size // big_m
    if count == 0 or big_m < m:
        return not_applicable(name, f"{eps.size} bits make no block of M={big_m} bits")
    lam = (big_m - m + 1) / 2.0**m
    eta = lam / 2.0
    pi = overlapping_probabilities(eta, k)
    ones = (1 << m) - 1
    w = np.count_nonzero(_block_windows(eps, m, count, big_m) == ones, axis=1)
    nu = np.bincount(np.minimum(w, k), minlength=k + 1)
    chi2 = float(np.sum((nu - count * pi) ** 2 / (count * pi)))
    return make_result(name, [gammaincc(k / 2.0, chi2 / 2.0)], chi2=chi2, blocks=count, eta=eta)

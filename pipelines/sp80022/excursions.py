"""Random excursions (SP 800-22 rev1a 2.14) and random excursions variant (2.15).

The walk is S_k = sum_{i<=k} (2 e_i - 1), k = 0..n-1. As in sts-2.1.2
(randomExcursions.c, randomExcursionsVariant.c), a cycle ends at each zero of the walk
and the part after the last zero counts as one more cycle when S_{n-1} != 0; J is the
number of cycles. Both tests are not applicable when J < max(0.005 sqrt(n), 500)
(sts writes P = 0 for every state then).

randomExcursions.c also gives up, writing nothing, when the walk has more than
max(1000, n/100) zeros (its cycle buffer); this module reports that case as not
applicable too, with that reason. The variant test has no such limit.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc, gammaincc

from .result import TestResult, as_bits, make_result, not_applicable

STATES = (-4, -3, -2, -1, 1, 2, 3, 4)
VARIANT_STATES = tuple(x for x in range(-9, 10) if x != 0)

#: pi_k(x) for |x| = 1..4 and k = 0..5 (k = 5 means >= 5 visits), exactly as printed
#: in randomExcursions.c (SP 800-22 section 3.14 formulas rounded to 10 digits).
EXCURSION_PI = {
    1: (0.5000000000, 0.25000000000, 0.12500000000, 0.06250000000, 0.03125000000, 0.0312500000),
    2: (0.7500000000, 0.06250000000, 0.04687500000, 0.03515625000, 0.02636718750, 0.0791015625),
    3: (0.8333333333, 0.02777777778, 0.02314814815, 0.01929012346, 0.01607510288, 0.0803755143),
    4: (0.8750000000, 0.01562500000, 0.01367187500, 0.01196289063, 0.01046752930, 0.0732727051),
}


def _walk(eps: np.ndarray) -> tuple[np.ndarray, int, int]:
    """(S, number of zeros of S, J)."""
    walk = np.cumsum(2 * eps.astype(np.int32) - 1)
    zeros = int(np.count_nonzero(walk == 0))
    cycles = zeros + (1 if walk[-1] != 0 else 0)
    return walk, zeros, cycles


def _min_cycles(n: int) -> float:
    return max(0.005 * math.sqrt(n), 500)


def random_excursions(bits) -> TestResult:
    """Visits to each state x in +-1..4 per cycle, binned 0..5+, chi-square per state.

    P(x) = igamc(5/2, chi2(x)/2), eight P-values labelled "x=-4" .. "x=4".
    """
    name = "RandomExcursions"
    eps = as_bits(bits)
    n = eps.size
    if n == 0:
        return not_applicable(name, "empty sequence")
    walk, zeros, cycles = _walk(eps)
    if zeros > max(1000, n // 100):
        return not_applicable(
            name, f"{zeros} zeros of the walk exceed sts's limit max(1000, n/100) = {max(1000, n // 100)}", J=cycles
        )
    if cycles < _min_cycles(n):
        return not_applicable(name, f"J = {cycles} cycles, fewer than max(0.005 sqrt(n), 500)", J=cycles)
    cycle_of = np.cumsum(walk == 0) - (walk == 0)  # zero at k closes cycle k's count
    inside = (walk != 0) & (np.abs(walk) <= 4)
    state_index = np.where(walk[inside] < 0, walk[inside] + 4, walk[inside] + 3)
    visits = np.bincount(cycle_of[inside] * 8 + state_index, minlength=cycles * 8)[: cycles * 8].reshape(cycles, 8)
    p_values, chi2s = [], {}
    for i, x in enumerate(STATES):
        nu = np.bincount(np.minimum(visits[:, i], 5), minlength=6)
        expected = cycles * np.asarray(EXCURSION_PI[abs(x)])
        chi2 = float(np.sum((nu - expected) ** 2 / expected))
        chi2s[f"chi2[x={x}]"] = chi2
        p_values.append(gammaincc(2.5, chi2 / 2.0))
    return make_result(name, p_values, tuple(f"x={x}" for x in STATES), J=cycles, **chi2s)


def random_excursions_variant(bits) -> TestResult:
    """Total visits xi(x) to each state x in +-1..9 against J.

    P(x) = erfc(|xi(x) - J| / sqrt(2 J (4|x| - 2))), eighteen P-values "x=-9" .. "x=9".
    """
    name = "RandomExcursionsVariant"
    eps = as_bits(bits)
    n = eps.size
    if n == 0:
        return not_applicable(name, "empty sequence")
    walk, _, cycles = _walk(eps)
    if cycles < int(_min_cycles(n)):
        return not_applicable(name, f"J = {cycles} cycles, fewer than max(0.005 sqrt(n), 500)", J=cycles)
    near = walk[np.abs(walk) <= 9] + 9
    visits = np.bincount(near, minlength=19)
    p_values = [erfc(abs(visits[x + 9] - cycles) / math.sqrt(2.0 * cycles * (4.0 * abs(x) - 2))) for x in VARIANT_STATES]
    counts = {f"visits[x={x}]": visits[x + 9] for x in VARIANT_STATES}
    return make_result(name, p_values, tuple(f"x={x}" for x in VARIANT_STATES), J=cycles, **counts)

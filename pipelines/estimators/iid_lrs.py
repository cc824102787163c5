"""SP 800-90B 5.2.5: the length of the longest repeated substring test, as ea_iid runs it.

Input: translated symbols 0..k-1. p_col = sum of p_s^2 (the collision probability per
symbol under IID), W = the length of the longest substring that occurs twice (from the
suffix array of ``tuples.repeat_counts``), N = C(n - W + 1, 2) pairs of W-substrings;
Pr(X >= 1) = 1 - (1 - p_col^W)^N. The test passes when Pr(X >= 1) >= 0.001 (``ALPHA``).

As in ea_iid (shared/lrs_test.h ``len_LRS_test``), the proportions are doubles and
p_col, its power and the logarithms are long double (x87 80-bit on x86-64, numpy's
longdouble), Pr(X >= 1) = 1 - exp(N log1p(-p_col^W)), and the verdict is decided as
log(0.999) >= N log1p(-p_col^W). p_col = 1 (one symbol) passes, as in the tool.
Nothing here credits entropy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import tuples
from .iid_chisquare import proportions

#: 5.2.5: "if Pr(X >= 1) is less than 0.001, the test fails".
ALPHA = 0.001


@dataclass(frozen=True)
class LongestRepeat:
    """``p_col``, ``w`` (LRS length), ``probability`` = Pr(X >= 1), ``passed``."""

    p_col: float
    w: int
    probability: float
    passed: bool


def lrs_test(symbols: np.ndarray, k: int) -> LongestRepeat:
    """5.2.5 on n translated symbols of an alphabet of k."""
    n = len(symbols)
    p = proportions(symbols, k)
    p_col = np.sum(p.astype(np.longdouble) ** 2, dtype=np.longdouble)
    if p_col > 1 - np.finfo(np.longdouble).eps:
        return LongestRepeat(float(p_col), 0, 1.0, True)
    w, _, _ = tuples.repeat_counts(symbols, k)
    pairs = (n - w + 1) * (n - w) // 2
    log_no = np.log1p(-(p_col ** np.longdouble(w)))
    probability = np.longdouble(1) - np.exp(np.longdouble(pairs) * log_no)
    passed = bool(np.log(np.longdouble("0.999")) >= np.longdouble(pairs) * log_no)
    return LongestRepeat(float(p_col), int(w), float(probability), passed)

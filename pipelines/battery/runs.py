"""Runs tests: the runs test and the longest run of ones in 8-bit blocks (upstream category 2).

Runs test: SP 800-22 2.3 as ``sp80022.runs`` computes it (sts-2.1.2), from 100 bits
on (upstream's minimum). Upstream's own formula divides the standardised run count
by sqrt(2) once more than SP 800-22 does (erfc(z / sqrt 2) with z already scaled by
2 sqrt(2n) pi (1 - pi)), which halves its sensitivity; we use the standard statistic.
A sequence failing the frequency prerequisite |pi - 1/2| < 2/sqrt(n) gets P = 0 (sts
and upstream agree).

Longest run of ones: upstream fixes M = 8 whatever n is (SP 800-22 2.4 picks M from
n; sts would use M = 10^4 at a mebibyte). Classes <= 1, 2, 3, >= 4 with the M = 8
probabilities of SP 800-22 3.4 to sts's digits (``LONGEST_RUN_TABLES[0]``; upstream
rounds them to four). An 8-bit block is one byte, so the longest run of each block is
a 256-entry table lookup, the table built by ``sp80022.runs.longest_runs``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2

from ..sp80022 import runs as sp_runs
from ..sp80022.runs import LONGEST_RUN_TABLES, longest_runs
from .result import BatteryResult, as_sample, from_p, insufficient

CATEGORY = "runs"

_, _M8, _CLASSES, _PROBABILITIES = LONGEST_RUN_TABLES[0]
#: Longest run of ones in each byte value 0..255, MSB first.
LONGEST_RUN_IN_BYTE = longest_runs(np.unpackbits(np.arange(256, dtype=np.uint8)).reshape(256, 8))


def runs_test(data) -> BatteryResult:
    """Number of runs against 2 n pi (1 - pi) (SP 800-22 2.3); statistic V_obs."""
    name = "Runs Test"
    bits = as_sample(data).bits
    n = bits.size
    if n < 100:
        return insufficient(name, CATEGORY, 100, n, "bits")
    result = sp_runs(bits)
    pi = result.statistics["pi"]
    if not result.statistics["prerequisite_met"]:
        return from_p(name, CATEGORY, 0.0, 0.0, f"pre-test failed: proportion={pi:.4f}")
    v_obs = int(result.statistics["V_obs"])
    expected = 2.0 * n * pi * (1.0 - pi) + 1.0
    return from_p(name, CATEGORY, result.p_values[0], v_obs, f"runs={v_obs}, expected={expected:.0f}")


def longest_run_of_ones(data) -> BatteryResult:
    """Longest run of ones per byte, classes <= 1, 2, 3, >= 4, chi-square with 3 df."""
    name = "Longest Run of Ones"
    values = as_sample(data).bytes
    if values.size * 8 < 128:
        return insufficient(name, CATEGORY, 128, values.size * 8, "bits")
    longest = LONGEST_RUN_IN_BYTE[values]
    classes = np.clip(longest, _CLASSES[0], _CLASSES[-1]) - _CLASSES[0]
    observed = np.bincount(classes, minlength=len(_CLASSES))
    expected = values.size * np.asarray(_PROBABILITIES)
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    p = chi2.sf(statistic, len(_CLASSES) - 1)
    return from_p(name, CATEGORY, p, statistic, f"blocks={values.size}, M={_M8}")

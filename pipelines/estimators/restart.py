"""SP 800-90B section 3.1.4: the restart tests (sanity check and validation), as ea_restart runs them.

Input: 1,000,000 samples in the "row dataset" format of 3.1.4.1: 1,000 restarts
(``RESTARTS``) of 1,000 samples each (``SAMPLES_PER_RESTART``), restart i's samples
being samples[1000 i : 1000 (i + 1)]; ``h_initial`` is H_I, the initial entropy estimate
(the IID or non-IID track's min-entropy). The row data are the samples in that order,
the column data the matrix transposed (sample j of every restart, then j + 1, ...).
Samples are translated first (``symbols.translate``), like the tool.

Sanity check (3.1.4.3): F = the largest count of any one value within a row or a
column; with p = 2^-H_I the check fails when Pr(Binomial(1000, p) >= F) < alpha,
alpha = 1 - 0.99^(1/2000) (``sanity_alpha``: 0.01 over the 2,000 rows and columns, the
tool's exact form; the standard rounds it to 0.000005). ``x_cutoff`` is the largest F
that passes.

Where we follow the standard and not the tool: ea_restart (commit 68ed165) does not
use the binomial cutoff: it simulates 5,000,000 rounds of a worst-case distribution
from an unseeded generator and takes their (1 - alpha) quantile (178 for u8_narrow with
H_I = 2.991397; the binomial gives a lower, stricter cutoff). Its cutoff is not
reproducible; ours is exact. Both compare the same X_max.

Validation (3.1.4.2): the non-IID estimators of 6.3 (the IID track: the most common
value only) on the row data and on the column data, literal symbols only (no bitstring
pass, as the tool): H_r and H_c, each at most bits_per_symbol. The validation fails when
min(H_r, H_c) < H_I / 2; otherwise the assessed entropy is min(H_r, H_c, H_I).

ea_restart's IID mode (-i) permutation-tests the row data twice and never the column
data (it overwrites the column data with the row data before the second run); the
standard asks for both, so ``iid=True`` here runs the IID track's tests (chi-square,
LRS, permutation test with ``seed`` and ``shuffles``) on the row data and on the column
data separately, reports each under ``rows``/``cols`` ("IID tests": passed or not),
and the validation fails when either is rejected. Nothing here credits entropy.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.stats import binom

from . import assessment
from .statistics import most_common_value
from .symbols import check_samples, translate

#: 3.1.4.1: 1,000 restarts ...
RESTARTS = 1000
#: ... of 1,000 samples each.
SAMPLES_PER_RESTART = 1000
#: 3.1.4.3: the sanity check's overall false-reject rate, spread over rows and columns.
SANITY_LEVEL = 0.01


def sanity_alpha(rows: int = RESTARTS, cols: int = SAMPLES_PER_RESTART) -> float:
    """alpha = 1 - (1 - 0.01)^(1 / (rows + cols)) (ea_restart's exact form of 0.01/2000)."""
    return 1.0 - math.exp(math.log(1.0 - SANITY_LEVEL) / (rows + cols))


def binomial_cutoff(h_initial: float, alpha: float, n: int = SAMPLES_PER_RESTART) -> int:
    """The largest count F with Pr(Binomial(n, 2^-H_I) >= F) >= alpha."""
    p = 2.0 ** -h_initial
    f = int(binom.isf(alpha, n, p))
    while f + 1 <= n and binom.sf(f, n, p) >= alpha:  # sf(f) = Pr(X >= f + 1)
        f += 1
    while f > 0 and binom.sf(f - 1, n, p) < alpha:
        f -= 1
    return f


def _max_count(matrix: np.ndarray, k: int) -> int:
    best = 0
    for row in matrix:
        best = max(best, int(np.bincount(row, minlength=k).max()))
    return best


@dataclass(frozen=True, eq=False)
class RestartResult:
    """The restart test's figures (names as ea_restart prints them where it prints them)."""

    h_initial: float
    alpha: float
    x_cutoff: int
    x_max: int
    sanity_passed: bool
    rows: dict
    cols: dict
    h_r: float | None
    h_c: float | None
    validation_passed: bool | None
    min_entropy: float

    @property
    def passed(self) -> bool:
        return self.sanity_passed and bool(self.validation_passed)

    def as_dict(self) -> dict:
        return {
            "h_initial": self.h_initial, "alpha": self.alpha, "x_cutoff": self.x_cutoff, "x_max": self.x_max,
            "sanity_passed": self.sanity_passed, "h_r": self.h_r, "h_c": self.h_c,
            "validation_passed": self.validation_passed, "min_entropy": self.min_entropy,
            "rows": self.rows, "cols": self.cols,
        }


def _estimates(symbols: np.ndarray, k: int, iid: bool, workers: int, raw=None, bits: int = 8,
               seed: int | None = None, shuffles: int = 10_000) -> dict:
    if iid:
        from .iid_assessment import assess_iid

        e = most_common_value(symbols, k)
        tests = assess_iid(raw, bits, seed=seed, shuffles=shuffles)
        return {e.name: e.h, "IID tests": tests.iid}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(job) for job in assessment._jobs(symbols, k)]
        return {e.name: e.h for f in futures for e in f.result()}


def restart_test(samples, bits_per_symbol: int, h_initial: float, *, iid: bool = False,
                 workers: int = 2, seed: int | None = None, shuffles: int = 10_000) -> RestartResult:
    """3.1.4 on 1,000,000 samples (1,000 restarts x 1,000 samples, restart by restart)."""
    raw = check_samples(samples, bits_per_symbol)
    if len(raw) != RESTARTS * SAMPLES_PER_RESTART:
        raise ValueError(f"restart data must be {RESTARTS} x {SAMPLES_PER_RESTART} = "
                         f"{RESTARTS * SAMPLES_PER_RESTART:,} samples, got {len(raw):,}")
    if not 0 <= h_initial <= bits_per_symbol:
        raise ValueError(f"H_I must be 0..{bits_per_symbol} (bits per symbol), got {h_initial}")
    symbols, k = translate(raw)
    matrix = symbols.reshape(RESTARTS, SAMPLES_PER_RESTART)
    columns = np.ascontiguousarray(matrix.T)
    alpha = sanity_alpha()
    cutoff = binomial_cutoff(h_initial, alpha)
    x_max = max(_max_count(matrix, k), _max_count(columns, k))
    sanity = x_max <= cutoff
    if not sanity or k <= 1:
        return RestartResult(h_initial, alpha, cutoff, x_max, sanity and k > 1, {}, {}, None, None, None, 0.0)
    raw_matrix = raw.reshape(RESTARTS, SAMPLES_PER_RESTART)
    options = dict(bits=bits_per_symbol, seed=seed, shuffles=shuffles)
    rows = _estimates(matrix.ravel(), k, iid, workers, raw_matrix.ravel(), **options)
    cols = _estimates(columns.ravel(), k, iid, workers, np.ascontiguousarray(raw_matrix.T).ravel(), **options)
    h_r = min([float(bits_per_symbol), *(h for n, h in rows.items() if n != "IID tests" and h is not None)])
    h_c = min([float(bits_per_symbol), *(h for n, h in cols.items() if n != "IID tests" and h is not None)])
    valid = min(h_r, h_c) >= h_initial / 2.0 and rows.get("IID tests", True) and cols.get("IID tests", True)
    final = min(h_r, h_c, h_initial) if valid else 0.0
    return RestartResult(h_initial, alpha, cutoff, x_max, True, rows, cols, h_r, h_c, valid, final)

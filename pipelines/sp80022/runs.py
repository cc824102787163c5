"""Run tests: runs (SP 800-22 rev1a 2.3) and longest run of ones in a block (2.4).

Both follow sts-2.1.2 (runs.c, longestRunOfOnes.c): runs returns P = 0 when the
frequency prerequisite fails, and longest run picks M, K and its class probabilities
from n with sts's thresholds and sts's printed probability tables.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc, gammaincc

from .result import TestResult, as_bits, make_result, not_applicable

#: (min n, M, class values v_0..v_K, probabilities) from longestRunOfOnes.c, which
#: prints the probabilities of SP 800-22 section 3.4 to these digits; sts uses the
#: first row with n < the next row's min n.
LONGEST_RUN_TABLES = (
    (128, 8, (1, 2, 3, 4), (0.21484375, 0.3671875, 0.23046875, 0.1875)),
    (6272, 128, (4, 5, 6, 7, 8, 9), (0.1174035788, 0.242955959, 0.249363483, 0.17517706, 0.102701071, 0.112398847)),
    (750000, 10000, (10, 11, 12, 13, 14, 15, 16), (0.0882, 0.2092, 0.2483, 0.1933, 0.1208, 0.0675, 0.0727)),
)


def runs(bits) -> TestResult:
    """Number of runs V_n against 2 n pi (1 - pi).

    Prerequisite (sts and 2.3.4 step 2): |pi - 1/2| < tau = 2/sqrt(n); when it fails the
    test is not run and sts reports P = 0.0, which this reproduces (a failure, not
    "not applicable": the sequence is already too unbalanced).
    """
    eps = as_bits(bits)
    n = eps.size
    if n < 2:
        return not_applicable("Runs", f"{n} bits: runs need at least 2")
    pi = np.count_nonzero(eps) / n
    if abs(pi - 0.5) > 2.0 / math.sqrt(n):
        return make_result("Runs", [0.0], pi=pi, prerequisite_met=0)
    v_obs = 1 + int(np.count_nonzero(eps[1:] != eps[:-1]))
    arg = abs(v_obs - 2.0 * n * pi * (1 - pi)) / (2.0 * pi * (1 - pi) * math.sqrt(2 * n))
    return make_result("Runs", [erfc(arg)], pi=pi, V_obs=v_obs, prerequisite_met=1)


def longest_runs(blocks: np.ndarray) -> np.ndarray:
    """Longest run of ones in each row of a 2-D 0/1 array."""
    rows, m = blocks.shape
    padded = np.zeros((rows, m + 2), dtype=np.uint8)
    padded[:, 1:-1] = blocks
    zeros = np.flatnonzero(padded.ravel() == 0)
    gaps = np.diff(zeros) - 1  # ones between consecutive zeros; padding splits the rows
    owner = zeros[:-1] // (m + 2)
    longest = np.zeros(rows, dtype=np.int64)
    np.maximum.at(longest, owner, gaps)
    return longest


def longest_run_of_ones(bits) -> TestResult:
    """Longest run of ones in M-bit blocks, binned into K+1 classes, chi-square test.

    Not applicable below n = 128 (sts refuses too). P = igamc(K/2, chi2/2).
    """
    eps = as_bits(bits)
    n = eps.size
    if n < LONGEST_RUN_TABLES[0][0]:
        return not_applicable("LongestRun", f"{n} bits: sts needs at least 128")
    _, m, values, probabilities = [row for row in LONGEST_RUN_TABLES if n >= row[0]][-1]
    k = len(values) - 1
    blocks = n // m
    longest = longest_runs(eps[: blocks * m].reshape(blocks, m))
    classes = np.clip(longest, values[0], values[-1]) - values[0]
    nu = np.bincount(classes, minlength=k + 1)
    expected = blocks * np.asarray(probabilities)
    chi2 = float(np.sum((nu - expected) ** 2 / expected))
    return make_result("LongestRun", [gammaincc(k / 2.0, chi2 / 2.0)], chi2=chi2, M=m, blocks=blocks)

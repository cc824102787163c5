"""Binary matrix rank test (SP 800-22 rev1a 2.5), 32 x 32 matrices as sts-2.1.2 fixes them.

Matrix k is filled row by row from bits k*1024 .. k*1024+1023 (matrix.c's def_matrix);
each row is held as one 32-bit integer, most significant bit = first column. Ranks
over GF(2) are computed for all matrices at once by Gaussian elimination vectorised
across matrices: 32 pivot steps, each a few numpy operations on an (N, 32) array.
"""

from __future__ import annotations

import math

import numpy as np

from .result import TestResult, as_bits, make_result, not_applicable

ROWS = COLS = 32


def full_rank_probability(r: int, rows: int = ROWS, cols: int = COLS) -> float:
    """Probability that a random rows x cols GF(2) matrix has rank r (r >= 1).

    rank.c's product formula: 2^(r(Q+M-r)-MQ) prod_{i<r} (1-2^(i-Q))(1-2^(i-M))/(1-2^(i-r)).
    """
    product = 1.0
    for i in range(r):
        product *= (1.0 - 2.0 ** (i - rows)) * (1.0 - 2.0 ** (i - cols)) / (1.0 - 2.0 ** (i - r))
    return 2.0 ** (r * (rows + cols - r) - rows * cols) * product


def gf2_ranks(rows: np.ndarray, width: int = COLS) -> np.ndarray:
    """Rank over GF(2) of each matrix in ``rows`` (shape (N, R), each row a bit mask).

    Column j is bit ``width-1-j`` of every row. Pivots are chosen per matrix with
    argmax, then the pivot row is XORed into every other row holding that column.
    """
    work = rows.astype(np.uint64, copy=True)
    n, r = work.shape
    used = np.zeros((n, r), dtype=bool)
    rank = np.zeros(n, dtype=np.int64)
    index = np.arange(n)
    for col in range(width):
        bit = np.uint64(1 << (width - 1 - col))
        has = (work & bit) != 0
        candidates = has & ~used
        found = candidates.any(axis=1)
        pivot = np.argmax(candidates, axis=1)
        pivot_row = work[index, pivot]
        clear = has.copy()
        clear[index, pivot] = False
        clear &= found[:, None]
        work ^= np.where(clear, pivot_row[:, None], np.uint64(0))
        used[index[found], pivot[found]] = True
        rank += found
    return rank


def rank(bits) -> TestResult:
    """Ranks of N = n // 1024 disjoint 32 x 32 matrices: chi-square over {32, 31, <=30}.

    P = exp(-chi2 / 2) as in rank.c (igamc(1, x) = exp(-x)). Not applicable when
    n < 1024 (sts prints an error and P = 0 there).
    """
    eps = as_bits(bits)
    count = eps.size // (ROWS * COLS)
    if count == 0:
        return not_applicable("Rank", f"{eps.size} bits make no 32x32 matrix (need 1024)")
    packed = np.packbits(eps[: count * ROWS * COLS]).view(">u4").astype(np.uint64).reshape(count, ROWS)
    ranks = gf2_ranks(packed)
    p32 = full_rank_probability(32)
    p31 = full_rank_probability(31)
    p30 = 1.0 - (p32 + p31)
    f32 = int(np.count_nonzero(ranks == 32))
    f31 = int(np.count_nonzero(ranks == 31))
    f30 = count - f32 - f31
    chi2 = sum((f - count * p) ** 2 / (count * p) for f, p in ((f32, p32), (f31, p31), (f30, p30)))
    return make_result("Rank", [math.exp(-chi2 / 2.0)], chi2=chi2, matrices=count, F32=f32, F31=f31, F30=f30)

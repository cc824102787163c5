"""Linear complexity test, SP 800-22 rev1a 2.10, as sts-2.1.2's linearComplexity.c.

The linear complexity L_i of each M-bit block (Berlekamp-Massey over GF(2)) gives
T_i = (-1)^M (L_i - mu) + 2/9, binned at -2.5, -1.5, ..., 2.5 into 7 classes; then a
chi-square with sts's probabilities and P = igamc(K/2, chi2/2), K = 6.

sts's mean differs from the paper's in one sign: linearComplexity.c uses
mu = M/2 + (9 + s)/36 - (M/3 + 2/9)/2^M with s = +1 for even M and -1 for odd M,
where the paper has (-1)^(M+1) (-1 for even M). For the default M = 500 that moves
every T_i by 1/18, which never crosses a class boundary because L_i is an integer;
for odd M it can. We follow sts.

Berlekamp-Massey runs in the native statistics core when it is built (one C call for
all blocks, pipelines/_native/sp80022.c); otherwise ``linear_complexities_numpy`` runs the
same recursion on every block at once, polynomials packed into 64-bit words.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincc

from openentropy.pipelines import _native

from .result import TestResult, as_bits, make_result, not_applicable

#: Class probabilities pi_0..pi_6, as printed in linearComplexity.c (SP 800-22 3.10).
LINEAR_COMPLEXITY_PI = (0.01047, 0.03125, 0.12500, 0.50000, 0.25000, 0.06250, 0.020833)


def _shift_up(words: np.ndarray) -> np.ndarray:
    """Multiply each packed polynomial (axis 0 = 64-bit words, low word first) by x."""
    out = words << np.uint64(1)
    out[1:] |= words[:-1] >> np.uint64(63)
    return out


def _parity(words: np.ndarray) -> np.ndarray:
    """Parity of each uint64 (np.bitwise_count needs numpy >= 2; fold otherwise)."""
    if hasattr(np, "bitwise_count"):
        return (np.bitwise_count(words) & 1).astype(bool)
    for shift in (32, 16, 8, 4, 2, 1):
        words = words ^ (words >> np.uint64(shift))
    return (words & np.uint64(1)).astype(bool)


def linear_complexities_numpy(blocks: np.ndarray) -> np.ndarray:
    """Berlekamp-Massey linear complexity of each row of a (N, M) 0/1 array, vectorised.

    Same recursion as the C version: C the connection polynomial, D = x^(t-m) B the
    shifted previous one, the window holding s_{t-i} at bit i; discrepancy =
    parity(C & window).
    """
    count, m = blocks.shape
    words = m // 64 + 1
    c = np.zeros((words, count), dtype=np.uint64)
    d = np.zeros_like(c)
    window = np.zeros_like(c)
    c[0] = 1
    d[0] = 2
    length = np.zeros(count, dtype=np.int64)
    columns = blocks.T.astype(np.uint64)
    for t in range(m):
        window = _shift_up(window)
        window[0] |= columns[t]
        folded = np.bitwise_xor.reduce(c & window, axis=0)
        update = _parity(folded)
        grow = update & (2 * length <= t)
        previous = c
        c = np.where(update, c ^ d, c)
        d = _shift_up(np.where(grow, previous, d))
        length = np.where(grow, t + 1 - length, length)
    return length


def linear_complexities(blocks: np.ndarray) -> np.ndarray:
    """Linear complexity of each row of a (N, M) 0/1 array (native statistics core when built)."""
    count, m = blocks.shape
    if not _native.AVAILABLE or count == 0:
        return linear_complexities_numpy(blocks)
    data = np.ascontiguousarray(blocks, dtype=np.uint8)
    out = np.zeros(count, dtype=np.int32)
    ffi = _native.ffi
    status = _native.lib.oe_sp80022_linear_complexity(
        ffi.from_buffer("uint8_t[]", data), count, m, ffi.from_buffer("int32_t[]", out)
    )
    if status != 0:
        raise RuntimeError(f"native linear complexity failed with status {status} for {count} blocks of {m} bits")
    return out.astype(np.int64)


def linear_complexity(bits, block_length: int = 500) -> TestResult:
    """Linear complexity of N = n // M blocks against its distribution (sts default M = 500)."""
    eps = as_bits(bits)
    m = int(block_length)
    if m < 1:
        raise ValueError(f"block_length must be >= 1, got {block_length}")
    count = eps.size // m
    if count == 0:
        return not_applicable("LinearComplexity", f"{eps.size} bits make no block of M={m} bits")
    lengths = linear_complexities(eps[: count * m].reshape(count, m))
    sign_mean = 1.0 if (m + 1) % 2 else -1.0
    mean = m / 2.0 + (9.0 + sign_mean) / 36.0 - 1.0 / 2.0**m * (m / 3.0 + 2.0 / 9.0)
    sign = 1.0 if m % 2 == 0 else -1.0
    t = sign * (lengths - mean) + 2.0 / 9.0
    classes = np.searchsorted(np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]), t, side="left")
    nu = np.bincount(classes, minlength=7)
    expected = count * np.asarray(LINEAR_COMPLEXITY_PI)
    chi2 = float(np.sum((nu - expected) ** 2 / expected))
    return make_result("LinearComplexity", [gammaincc(3.0, chi2 / 2.0)], chi2=chi2, blocks=count, M=m)

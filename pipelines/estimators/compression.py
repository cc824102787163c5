"""SP 800-90B 6.3.4 compression estimate (Maurer's universal statistic), on binary data.

The bits are cut into 6-bit blocks (b = 6); the first d = 1000 blocks fill a dictionary of
last positions (6.3.4 step 2), each later block scores log2 of its distance to its last
occurrence. X-bar is lowered to its 99% bound (sigma scaled by c = 0.5907, step 5) and p is
the root of E_p = X-bar' (step 7), found by ea_non_iid's bisection over [1/64, 1] with the
expected value G computed as in the tool (terms dropped once they underflow a double).
h = -log2(p) / 6 bits per bit, or 1 when no root lies above 1/64. None on non-binary data
or fewer than 1001 blocks.

The distances are summed by the native core when it is built (``oe_sp80090b_compression``:
one pass in block order with Kahan's compensated sums, like the tool, so X-bar and sigma
equal ea_non_iid's to the last digit), else by numpy (``_sums_py``: pairwise sums, the same
to about 1e-15); the solving for p stays here.
"""

from __future__ import annotations

import math

import numpy as np

from . import native
from .bounds import Z_ALPHA, nist_bisect
from .result import Estimate

#: 6.3.4 step 1: block size b and dictionary initialisation length d.
BLOCK_BITS = 6
DICTIONARY_BLOCKS = 1000
#: 6.3.4 step 5: the variance correction c for b = 6.
SIGMA_FACTOR = 0.5907


def _g(z: float, d: int, num_blocks: int, log2i: np.ndarray) -> float:
    """G(z) of 6.3.4 step 7, as ea_non_iid's compression_test.h computes it."""
    v = num_blocks - d
    lq = math.log1p(-z) if z < 1.0 else -math.inf
    i_head = np.arange(2, d + 1)
    with np.errstate(under="ignore", divide="ignore"):
        a_d1 = float(np.sum(log2i[2 : d + 1] * np.exp((i_head - 1) * lq)))
        # Terms i = d+1 .. num_blocks-1 until (num_blocks - i) a_i underflows a double.
        last = num_blocks - 1
        if lq < 0:
            limit = d + 2 + int((745.2 + math.log(num_blocks * 64.0)) / -lq)
            last = min(last, limit)
        i_tail = np.arange(d + 1, last + 1)
        a_i = log2i[d + 1 : last + 1] * np.exp((i_tail - 1) * lq)
        scaled = (num_blocks - i_tail) * a_i
        zero = np.flatnonzero(scaled <= 0.0)
        truncated = zero.size > 0
        if truncated:
            a_i, scaled = a_i[: zero[0]], scaled[: zero[0]]
        a_total = a_d1 + float(a_i.sum())
        first_sum = float(scaled.sum()) + (num_blocks - d) * a_d1
        if not truncated and last == num_blocks - 1:
            a_total += float(log2i[num_blocks] * math.exp((num_blocks - 1) * lq)) if lq > -math.inf else 0.0
    return 1.0 / v * z * (z * first_sum + (a_total - a_d1))


def _expected(p: float, d: int, num_blocks: int, log2i: np.ndarray) -> float:
    q = (1.0 - p) / (2**BLOCK_BITS - 1.0)
    return _g(p, d, num_blocks, log2i) + (2**BLOCK_BITS - 1.0) * _g(q, d, num_blocks, log2i)


def _sums_py(bits: np.ndarray, num_blocks: int) -> tuple[float, float]:
    """(sum of log2 distances, sum of their squares) over the blocks after the dictionary's."""
    grid = np.asarray(bits[: num_blocks * BLOCK_BITS], dtype=np.uint8).reshape(num_blocks, BLOCK_BITS)
    blocks = np.zeros(num_blocks, dtype=np.uint8)
    for column in range(BLOCK_BITS):  # most significant first; uint8 keeps the sort a radix sort
        blocks = (blocks << 1) | grid[:, column]
    order = np.argsort(blocks, kind="stable")
    prev = np.full(num_blocks, -1, dtype=np.int64)
    same = blocks[order[1:]] == blocks[order[:-1]]
    prev[order[1:][same]] = order[:-1][same]
    d = DICTIONARY_BLOCKS
    idx = np.arange(d, num_blocks)
    p_idx = prev[d:]
    dist = np.where(p_idx >= 0, idx - p_idx, idx + 1)
    logs = np.log2(dist.astype(np.float64))
    return float(logs.sum()), float((logs * logs).sum())


def compression(bits: np.ndarray) -> Estimate:
    """6.3.4 on binary data."""
    n = len(bits)
    num_blocks = n // BLOCK_BITS
    d = DICTIONARY_BLOCKS
    if n == 0 or int(bits.max()) > 1 or num_blocks <= d:
        return Estimate("Compression", None)
    sums = native.compression_sums(bits)
    total, squares = sums if sums is not None else _sums_py(bits, num_blocks)
    v = num_blocks - d
    x_bar = total / v
    sigma = SIGMA_FACTOR * math.sqrt(squares / (v - 1.0) - x_bar * x_bar)
    x_prime = x_bar - Z_ALPHA * sigma / math.sqrt(v)
    details: dict = {"X-bar": x_bar, "sigma-hat": sigma, "X-bar'": x_prime}

    log2i = np.log2(np.maximum(np.arange(num_blocks + 1, dtype=np.float64), 1.0))
    floor = 1.0 / 2**BLOCK_BITS
    if _expected(floor, d, num_blocks, log2i) > x_prime:
        p = nist_bisect(lambda p: _expected(p, d, num_blocks, log2i), x_prime, floor, 1.0, floor)
    else:
        p = -1.0
    if p > floor:
        h = -math.log2(p) / BLOCK_BITS
        details["messages"] = ("Found p.",)
    else:
        p, h = floor, 1.0
        details["messages"] = ("Could Not Find p. Proceeding with the lower bound for p.",)
    details["p"] = p
    return Estimate("Compression", h, details)

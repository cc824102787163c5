"""SP 800-90B 6.3.1 most common value, 6.3.2 collision and 6.3.3 Markov estimates.

Assumptions: ``symbols`` are 0..k-1 (``symbols.translate``); collision and Markov need
binary data (k == 2) and give h = None otherwise, as ea_non_iid runs them only on the
bitstring, or on the samples when those have two values. None of these credit entropy.

Constants: Z_ALPHA (bounds.py); 6.3.2's closed form X' = -2p^2 + 2p + 2 (p = 0.5 +
sqrt(1.25 - 0.5 X'), valid below X' = 2.5) is ea_non_iid's simplification of 6.3.2 step 7
for binary data; 6.3.3 uses 128-bit sequences (section 6.3.3 step 4) and caps at 1 bit.
"""

from __future__ import annotations

import math

import numpy as np

from . import native
from .bounds import Z_ALPHA, upper_bound
from .result import Estimate

#: 6.3.3: the Markov estimate looks at the most likely 128-bit sequence.
MARKOV_LENGTH = 128


def most_common_value(symbols: np.ndarray, k: int | None = None) -> Estimate:
    """6.3.1: p_u = 99% upper bound of the most common value's proportion; h = -log2(p_u)."""
    n = len(symbols)
    if n < 2:
        return Estimate("MostCommonValue", None)
    if k == 2:  # symbols 0/1: counting the ones is enough (bincount widens each to 64 bits)
        ones = int(np.count_nonzero(symbols))
        mode = max(ones, n - ones)
    else:
        mode = int(np.bincount(symbols).max())
    p_hat = mode / n
    p_u = upper_bound(p_hat, n)
    return Estimate("MostCommonValue", -math.log2(p_u), {"Mode count": mode, "p-hat": p_hat, "p_u": p_u})


def _is_binary(symbols: np.ndarray) -> bool:
    return len(symbols) > 0 and int(symbols.max()) <= 1


def _collision_walk_py(bits: np.ndarray) -> tuple[int, int, int]:
    n, i, v, sq = len(bits), 0, 0, 0
    b = bits.tolist()
    while i < n - 1:
        if b[i] == b[i + 1]:
            t = 2
        elif i < n - 2:
            t = 3
        else:
            break
        v += 1
        sq += t * t
        i += t
    return v, i, sq


def collision(bits: np.ndarray) -> Estimate:
    """6.3.2 on binary data: mean time to the first repeated bit, its 99% lower bound, p, h."""
    if not _is_binary(bits) or len(bits) < 3:
        return Estimate("Collision", None)
    walk = native.collision_walk(bits)
    v, total, squares = walk if walk is not None else _collision_walk_py(bits)
    if v < 2:
        return Estimate("Collision", None)
    x_bar = total / v
    sigma = math.sqrt(max(0.0, (squares - total * x_bar) / (v - 1)))
    x_prime = max(2.0, x_bar - Z_ALPHA * sigma / math.sqrt(v))
    details: dict = {"v": v, "Sum t_i": total, "X-bar": x_bar, "sigma-hat": sigma, "X-bar'": x_prime}
    if x_prime < 2.5:
        p, h = 0.5 + math.sqrt(1.25 - 0.5 * x_prime), None
        h = -math.log2(p)
        details["messages"] = ("Found p.",)
    else:
        p, h = 0.5, 1.0
        details["messages"] = ("Could Not Find p. Proceeding with the lower bound for p.",)
    details["p"] = p
    return Estimate("Collision", h, details)


def markov(bits: np.ndarray) -> Estimate:
    """6.3.3 on binary data: the most likely 128-bit sequence under a first-order chain."""
    n = len(bits)
    if not _is_binary(bits) or n < 2:
        return Estimate("Markov", None)
    head, nxt = bits[:-1], bits[1:]  # 0/1 bytes: byte-wide logic, no wider copies of 8e6 bits
    c0 = n - 1 - int(np.count_nonzero(head))
    c00 = n - 1 - int(np.count_nonzero(head | nxt))
    c10 = int(np.count_nonzero(head > nxt))
    c1 = n - 1 - c0
    p00, p01 = (c00 / c0, 1.0 - c00 / c0) if c0 > 0 else (0.0, 0.0)
    p10, p11 = (c10 / c1, 1.0 - c10 / c1) if c1 > 0 else (0.0, 0.0)
    p0 = (c0 + (1 if bits[-1] == 0 else 0)) / n
    p1 = 1.0 - p0
    m = MARKOV_LENGTH
    lg = math.log2
    candidates = []
    if p00 > 0:
        candidates.append(-lg(p0) - (m - 1) * lg(p00))  # 00...0
    if p01 > 0 and p10 > 0:
        candidates.append(-lg(p0) - (m // 2) * lg(p01) - (m // 2 - 1) * lg(p10))  # 0101...01
        candidates.append(-lg(p1) - (m // 2) * lg(p10) - (m // 2 - 1) * lg(p01))  # 1010...10
    if p01 > 0 and p11 > 0:
        candidates.append(-lg(p0) - lg(p01) - (m - 2) * lg(p11))  # 011...1
    if p10 > 0 and p00 > 0:
        candidates.append(-lg(p1) - lg(p10) - (m - 2) * lg(p00))  # 100...0
    if p11 > 0:
        candidates.append(-lg(p1) - (m - 1) * lg(p11))  # 11...1
    h_min = min([float(m), *candidates])
    details = {
        "P_0": p0, "P_1": p1, "P_{0,0}": p00, "P_{0,1}": p01, "P_{1,0}": p10, "P_{1,1}": p11,
        "p-hat_max": 2.0 ** -h_min,
    }
    return Estimate("Markov", min(h_min / m, 1.0), details)

"""m-bit windows of a bit sequence as integers, the common step of the pattern tests.

``window_values(eps, m)[i]`` is the integer whose binary digits are e_i .. e_{i+m-1},
e_i most significant: the order of sts's template files and of its serial and
approximate entropy counters. Non-cyclic windows stop at i = n-m; cyclic windows
(serial, approximate entropy) wrap around, giving n windows.
"""

from __future__ import annotations

import numpy as np

#: Widest window the uint32 values hold with room to spare.
MAX_WINDOW = 30


def window_values(eps: np.ndarray, m: int, cyclic: bool = False) -> np.ndarray:
    """uint32 values of every m-bit window of the 0/1 array ``eps`` (see module doc)."""
    if not 1 <= m <= MAX_WINDOW:
        raise ValueError(f"window length must be 1..{MAX_WINDOW}, got {m}")
    n = eps.size
    count = n if cyclic else n - m + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint32)
    # sts indexes epsilon[(i+j) % n], so a window longer than n wraps more than once.
    if not cyclic:
        ext = eps
    elif n >= m - 1:
        ext = np.concatenate([eps, eps[: m - 1]])
    else:
        ext = eps[np.arange(n + m - 1) % n]
    values = ext[:count].astype(np.uint32)
    for k in range(1, m):
        values <<= np.uint32(1)
        values |= ext[k : k + count]
    return values


def pattern_counts(eps: np.ndarray, m: int) -> np.ndarray:
    """Counts of each of the 2^m patterns among the n cyclic m-bit windows."""
    return np.bincount(window_values(eps, m, cyclic=True), minlength=1 << m).astype(np.int64)


def fold_counts(counts: np.ndarray) -> np.ndarray:
    """Cyclic (m-1)-bit pattern counts from cyclic m-bit ones.

    The (m-1)-bit window at i is the m-bit window at i without its last bit, so
    count_{m-1}[p] = count_m[2p] + count_m[2p+1].
    """
    return counts[0::2] + counts[1::2]

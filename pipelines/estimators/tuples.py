"""SP 800-90B 6.3.5 t-tuple and 6.3.6 longest repeated substring (LRS) estimates.

Both read two tables over tuple lengths w = 1..v, v the length of the longest repeated
substring: q[w], the most occurrences of any w-tuple (overlapping), and pairs[w], the sum
over distinct w-tuples of C(count, 2). The native core gets them from the LCP array of the
suffixes in suffix order (a radix sort of packed keys; SA-IS for very repetitive data);
``repeat_counts_py`` refines tuple groups one length at a time.

t-tuple: u = the first w with q[w] < 35 (6.3.5 step 1: "at least 35 times"); over
w < u, P_max = max (q[w] / (n - w + 1))^(1/w); p_u its 99% bound (bounds.upper_bound).
None when no tuple repeats 35 times. LRS: over w = u..v, P_max = max (pairs[w] /
C(n - w + 1, 2))^(1/w), same bound; None when v < u. Names and printed values follow
ea_non_iid (``t``, ``p-hat_max``; ``u``, ``v``, ``p-hat``).
"""

from __future__ import annotations

import math

import numpy as np

from . import native
from .bounds import upper_bound
from .result import Estimate

#: 6.3.5 step 1: a tuple length counts while some tuple occurs at least this often.
TUPLE_CUTOFF = 35


def repeat_counts_py(symbols: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """(v, q, pairs) by grouping equal w-tuples for w = 1, 2, ... (pure numpy, slow on long repeats)."""
    s = np.asarray(symbols, dtype=np.int64)
    n = len(s)
    q, pairs = [0], [0]
    pos = np.arange(n, dtype=np.int64)  # start positions whose w-tuple repeats
    group = s.copy()  # group id of each position's w-tuple
    w = 1
    while True:
        _, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
        repeated = counts[inverse] >= 2
        if not repeated.any():
            break
        q.append(int(counts.max()))
        pairs.append(int((counts * (counts - 1) // 2).sum()))
        pos, inverse = pos[repeated], inverse[repeated]
        keep = pos + w < n  # the (w+1)-tuple must fit
        pos, inverse = pos[keep], inverse[keep]
        group = inverse * 256 + s[pos + w]
        w += 1
    return len(q) - 1, np.array(q, dtype=np.int64), np.array(pairs, dtype=np.uint64)


def repeat_counts(symbols: np.ndarray, k: int) -> tuple[int, np.ndarray, np.ndarray]:
    counts = native.repeats(symbols, k) if len(symbols) >= 2 else None
    return counts if counts is not None else repeat_counts_py(symbols)


def _cutoff(v: int, q: np.ndarray) -> int:
    u = 1
    while u <= v and q[u] >= TUPLE_CUTOFF:
        u += 1
    return u


def t_tuple(symbols: np.ndarray, k: int | None = None, counts=None) -> Estimate:
    """6.3.5: the most likely w-tuple's per-symbol probability, for w up to the cutoff."""
    n = len(symbols)
    v, q, _ = counts if counts is not None else repeat_counts(symbols, k or 256)
    u = _cutoff(v, q)
    if u == 1:
        return Estimate("t-Tuple", None, {"messages": ("No strings are repeated 35 times.",)})
    p_max = max((int(q[w]) / (n - w + 1)) ** (1.0 / w) for w in range(1, u))
    p_u = upper_bound(p_max, n)
    return Estimate("t-Tuple", -math.log2(p_u), {"t": u - 1, "p-hat_max": p_max, "p_u": p_u})


def lrs(symbols: np.ndarray, k: int | None = None, counts=None) -> Estimate:
    """6.3.6: collision probability of w-tuples, per symbol, for w from the cutoff to v."""
    n = len(symbols)
    v, q, pairs = counts if counts is not None else repeat_counts(symbols, k or 256)
    u = _cutoff(v, q)
    if v < u:
        return Estimate("LRS", None, {"u": u, "v": v, "messages": ("v<u. Can't Run LRS Test.",)})
    p_max = 0.0
    for w in range(u, v + 1):
        choices = (n - w) * (n - w + 1) // 2
        p_max = max(p_max, (int(pairs[w]) / choices) ** (1.0 / w))
    p_u = upper_bound(p_max, n)
    return Estimate("LRS", -math.log2(p_u), {"u": u, "v": v, "p-hat": p_max, "p_u": p_u})

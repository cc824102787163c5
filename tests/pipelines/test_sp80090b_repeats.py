"""The t-tuple/LRS counts of the native core (6.3.5/6.3.6) equal the pure-numpy ones.

``oe_sp80090b_repeats`` takes one of several roads to the LCP array (sp80090b_suffixes.c,
sp80090b_tuples.c): the key sort alone (almost all data); the key sort with its ties
settled by comparing the suffixes (a few planted repeats); with the ties settled by prefix
doubling and long LCPs by Kasai's algorithm (long planted repeats, past the comparison
budget); or SA-IS when a quarter of the suffixes tie on their first key (periodic or
constant data). Each input below is built to take one of them, over alphabets whose
symbols pack 1, 2, 6, 7 and 8 bits wide (6 and 7 straddle the 64-bit words), and every
figure must equal ``tuples.repeat_counts_py``, which groups equal tuples with numpy and
shares no code with C.
"""

from __future__ import annotations

import numpy as np
import pytest

from openentropy.pipelines.estimators import native, tuples

pytestmark = pytest.mark.skipif(not native.available(), reason="native core not built")


def _planted(rng: np.random.Generator, n: int, k: int, block: int) -> np.ndarray:
    """Random symbols with one block of ``block`` copied further on: ties far past one key."""
    s = rng.integers(0, k, n).astype(np.uint8)
    s[n // 2 : n // 2 + block] = s[100 : 100 + block]
    return s


def _planted_often(rng: np.random.Generator) -> np.ndarray:
    """Random bytes with one 12-byte block 50 times over, and its start again at the very end."""
    s = rng.integers(0, 256, 20_000).astype(np.uint8)
    block = s[100:112].copy()
    for j in range(50):
        s[1_000 + 300 * j : 1_012 + 300 * j] = block
    s[-10:] = block[:10]
    return s


def _inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1490)
    narrow = np.clip(np.rint(rng.normal(128, 6, 30_000)), 0, 255).astype(np.uint8)
    sticky = (np.cumsum(rng.random(20_000) < 0.05) & 1).astype(np.uint8)
    return {
        "two symbols": np.array([0, 1], dtype=np.uint8),
        "three symbols": np.array([1, 0, 1], dtype=np.uint8),
        "one repeat": np.array([2, 0, 2, 1], dtype=np.uint8),
        "bits": (rng.random(20_000) < 0.6).astype(np.uint8),
        "sticky bits (SA-IS)": sticky,
        "ternary": rng.integers(0, 3, 20_000).astype(np.uint8),
        "narrow normal (6 bits)": narrow - narrow.min(),
        "alphabet of 100 (7 bits)": rng.integers(0, 100, 20_000).astype(np.uint8),
        "all bytes": rng.integers(0, 256, 20_000).astype(np.uint8),
        "planted bits (comparing)": _planted(rng, 30_000, 2, 700),
        "planted often (comparing)": _planted_often(rng),
        "planted bytes (doubling, Kasai)": _planted(rng, 20_000, 256, 2_000),
        "constant (SA-IS)": np.zeros(2_000, dtype=np.uint8),
        "period 3 (SA-IS)": np.tile(np.array([0, 1, 1], dtype=np.uint8), 700),
        "bits of a period (SA-IS)": np.unpackbits(np.tile(np.array([0x5A, 0x3C], dtype=np.uint8), 150)),
    }


@pytest.mark.parametrize("name", list(_inputs()))
def test_native_repeat_counts_equal_numpy(name):
    symbols = _inputs()[name]
    k = int(symbols.max()) + 1
    v, q, pairs = native.repeats(symbols, max(k, 2))
    v_py, q_py, pairs_py = tuples.repeat_counts_py(symbols)
    assert v == v_py
    assert q.tolist() == q_py.tolist()
    assert pairs.tolist() == pairs_py.tolist()


def test_the_longest_repeat_of_a_planted_block_is_found():
    symbols = _planted(np.random.default_rng(7), 30_000, 256, 1_000)
    v, q, pairs = native.repeats(symbols, 256)
    assert v >= 1_000 and q[1_000] == 2 and pairs[1_000] == 1

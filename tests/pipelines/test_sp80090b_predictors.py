"""The native predictors (6.3.7-6.3.10) give the pure-Python loops' (C, N, r) at the edges.

The native loops were rebuilt for speed (sp80090b_contexts.c: a context trie with one node
pool per depth and inline tables, walked ahead of time; the binary MultiMMC keeps one count
difference a context and tallies the orders far from the top), so they are held to
``fallback.py``, which shares no code with C, where that work has its edges: the shortest
sequences each predictor accepts (a walk ahead past the end would show), a single repeated
symbol, two symbols (the binary paths, over many 64-step tally chunks), a full byte
alphabet (dense tables, LZ78Y's 65,536-entry cap within a few thousand steps) and sticky
data whose contexts reach the 16-symbol depth. ea_non_iid's own figures on a million
samples are in test_sp80090b_reference.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from openentropy.pipelines.estimators import fallback, native

pytestmark = pytest.mark.skipif(not native.available(), reason="native core not built")

PREDICTORS = ["multi_mcw", "lag", "multi_mmc", "lz78y"]


def _cases() -> dict[str, tuple[np.ndarray, int]]:
    rng = np.random.default_rng(6310)
    sticky = np.cumsum(rng.random(3_000) < 0.1) % 5
    return {
        "3 bits": (np.array([0, 1, 1], dtype=np.uint8), 2),
        "18 bits": ((rng.random(18) < 0.5).astype(np.uint8), 2),
        "19 bits": ((rng.random(19) < 0.5).astype(np.uint8), 2),
        "26 bits": ((rng.random(26) < 0.5).astype(np.uint8), 2),
        "18 symbols": (rng.integers(0, 5, 18).astype(np.uint8), 5),
        "30 symbols": (rng.integers(0, 5, 30).astype(np.uint8), 5),
        "one symbol repeated": (np.zeros(5_000, dtype=np.uint8), 2),
        "biased bits": ((rng.random(5_000) < 0.8).astype(np.uint8), 2),
        "all bytes": (rng.integers(0, 256, 6_000).astype(np.uint8), 256),
        "sticky 5 symbols": (sticky.astype(np.uint8), 5),
    }


def _fallback(name: str, symbols: np.ndarray, k: int):
    return getattr(fallback, name)(symbols.tolist(), k)


@pytest.mark.parametrize("case", list(_cases()))
@pytest.mark.parametrize("name", PREDICTORS)
def test_native_predictor_equals_python(name, case):
    symbols, k = _cases()[case]
    ours = native.predictor(name, symbols, k)
    expected = _fallback(name, symbols, k)
    assert (None if ours == "short" else ours) == expected


import math

import numpy as np

from openentropy.pipelines.estimates import mcv_min_entropy, shannon


def test_shannon_known_values():
    assert shannon(np.zeros(100, np.uint8)) == 0.0
    assert shannon(np.arange(256, dtype=np.uint8).repeat(4)) == 8.0
    assert shannon(np.array([0, 1] * 50, np.uint8)) == 1.0
    assert shannon(np.empty(0, np.uint8)) == 0.0


def test_mcv_matches_sp800_90b_formula():
    data = np.array([0] * 30 + list(range(1, 71)), np.uint8)  # p_hat = 0.3, n = 100
    p_u = 0.3 + 2.576 * math.sqrt(0.3 * 0.7 / 99)
    assert math.isclose(mcv_min_entropy(data), -math.log2(p_u))
    assert mcv_min_entropy(np.zeros(50, np.uint8)) == 0.0
    assert mcv_min_entropy(np.array([3], np.uint8)) == 0.0


def test_markov_catches_serial_dependence_below_mcv():
    from openentropy.pipelines.estimates import markov_min_entropy, online_min_entropy

    rng = np.random.default_rng(1)
    flips = rng.random(8 * 65536) < 0.8  # each bit flips its predecessor with p = 0.8
    bits = (np.cumsum(flips) % 2).astype(np.uint8)
    data = np.packbits(bits)
    # expected: Markov ~ 8 x -log2(0.8) ~ 2.6 bits/byte; MCV sees p(0x55) ~ 0.105, ~3.2
    assert markov_min_entropy(data) < mcv_min_entropy(data) - 0.3
    assert online_min_entropy(data) == markov_min_entropy(data)
    good = rng.integers(0, 256, 65536).astype(np.uint8)
    assert markov_min_entropy(good) > 7.5 and online_min_entropy(good) > 7.5
    assert online_min_entropy(np.array([0x55, 0xAA] * 4096, np.uint8)) < 1.0

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

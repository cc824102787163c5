"""The per-round estimate catches deterministic data and leaves noise alone (issue 10 s3).

A source declaring H = 4 bits per byte must earn no more than a few percent of it on
predictable data: the bar is 0.2 bits per byte (5%) on 1 KiB and 0.12 (3%) from 4 KiB.
Noise is seeded numpy data; os.urandom only meets deflate_bound, which stores
incompressible blocks and so returns exactly 8 on it (a block of random bytes that
deflate shrinks by 40 bits has probability under 2^-40).
"""

import os

import numpy as np
import pytest

from openentropy.pipelines.deflate_bound import block_costs, deflate_bound, steps
from openentropy.pipelines.estimates import (
    SAMPLE_BYTES,
    markov_min_entropy,
    mcv_min_entropy,
    online_min_entropy,
    online_sample,
)

SIZES = (1024, 4096, 65536)


def bar(n: int) -> float:
    return 0.2 if n < 4096 else 0.12


def lcg(n: int, a: int, c: int, x: int = 1) -> np.ndarray:
    out = np.empty(n, np.uint8)
    for i in range(n):
        x = (a * x + c) % 256
        out[i] = x
    return out


PATTERNS = {
    "counter": lambda n: (np.arange(n) % 256).astype(np.uint8),
    "counter from 200": lambda n: ((np.arange(n) + 200) % 256).astype(np.uint8),
    "period 3": lambda n: np.array([17, 200, 91], np.uint8)[np.arange(n) % 3],
    "constant": lambda n: np.full(n, 42, np.uint8),
    "LCG 5x+3": lambda n: lcg(n, 5, 3),
    "LCG 137x+187": lambda n: lcg(n, 137, 187),
    "LCG 3x+0 (short period)": lambda n: lcg(n, 3, 0),
    "counter ^ 0xA5": lambda n: ((np.arange(n) % 256) ^ 0xA5).astype(np.uint8),
    "ramp i // 64": lambda n: (np.arange(n) // 64 % 256).astype(np.uint8),
    "ramp floor(0.37 i)": lambda n: np.floor(0.37 * np.arange(n)).astype(np.int64).astype(np.uint8),
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", PATTERNS)
def test_deterministic_patterns_earn_a_few_percent(name, n):
    data = PATTERNS[name](n)
    assert online_min_entropy(data) < bar(n)


def test_a_16_bit_counter_is_caught_too():
    for n in SIZES:  # its steps alternate 1, 0 with a carry every 512 bytes: 0.12-0.16 bits
        assert online_min_entropy(np.arange(n // 2, dtype="<u2").view(np.uint8)) < 0.2


@pytest.mark.parametrize(
    ("period", "n"),
    # A period is caught once a block starts a full period in: up to 768 bytes on 1 KiB.
    [(p, n) for n in SIZES for p in (2, 7, 100, 255, 256, 700, 1000, 3000) if p <= 3 * n // 4],
)
def test_periodic_patterns_are_caught_once_a_later_block_sees_a_full_period(period, n):
    data = np.random.default_rng(period).integers(0, 256, period, dtype=np.uint8)[np.arange(n) % period]
    assert online_min_entropy(data) < bar(n)


def test_the_old_estimate_credited_these_patterns_in_full():
    for name in ("counter", "LCG 137x+187", "counter ^ 0xA5", "ramp floor(0.37 i)"):
        data = PATTERNS[name](4096)
        assert min(mcv_min_entropy(data), markov_min_entropy(data)) > 4.0, name


@pytest.mark.parametrize("n", [1024, 4096, 16384, 65536])
def test_seeded_uniform_bytes_keep_the_old_estimate(n):
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8)
    assert deflate_bound(data) == 8.0
    assert online_min_entropy(data) == min(mcv_min_entropy(data), markov_min_entropy(data))
    # measured with these seeds: 5.82 (1 KiB: the MCV bound on few bytes), 6.58, 7.25, 7.51
    assert online_min_entropy(data) > (5.5 if n < 4096 else 6.0 if n < 65536 else 7.3)


@pytest.mark.parametrize("n", [300, 1024, 4096, 65536, 200_000])
def test_os_urandom_is_never_capped(n):
    assert deflate_bound(np.frombuffer(os.urandom(n), np.uint8)) == 8.0


def test_genuine_low_entropy_noise_is_left_to_the_sp800_90b_estimates():
    rng = np.random.default_rng(11)
    sixteen = rng.integers(0, 16, 65536).astype(np.uint8) * 17  # H_min = 4 bits per byte
    skewed = np.where(rng.random(65536) < 0.25, 0, rng.integers(1, 256, 65536)).astype(np.uint8)  # H_min = 2
    for data, h_min in ((sixteen, 4.0), (skewed, 2.0)):
        assert deflate_bound(data) > h_min + 0.5
        assert online_min_entropy(data) == mcv_min_entropy(data)


def test_online_is_the_smallest_of_its_three_parts_on_a_round_within_the_sample():
    counter = PATTERNS["counter"](8192)
    assert online_min_entropy(counter) == deflate_bound(counter)
    assert online_min_entropy(np.zeros(100, np.uint8)) == 0.0
    assert online_min_entropy(np.array([7], np.uint8)) == 0.0
    assert online_min_entropy(np.empty(0, np.uint8)) == 0.0


def test_long_rounds_are_read_in_four_windows_from_first_to_last_byte():
    data = np.arange(1 << 20, dtype=np.uint32).astype(np.uint8)  # byte i is i mod 256
    sample = online_sample(data)
    assert len(sample) == SAMPLE_BYTES
    assert sample[0] == data[0] and sample[-1] == data[-1]
    small = np.arange(SAMPLE_BYTES, dtype=np.uint32).astype(np.uint8)
    assert online_sample(small) is not small and np.array_equal(online_sample(small), small)


@pytest.mark.parametrize("quarter", range(4))
def test_a_long_round_predictable_for_one_quarter_is_caught(quarter):
    n = 1 << 18
    data = np.random.default_rng(quarter).integers(0, 256, n, dtype=np.uint8)
    lo, hi = quarter * n // 4, (quarter + 1) * n // 4
    data[lo:hi] = np.arange(hi - lo) % 256
    assert online_min_entropy(data) < 0.12


def test_a_long_round_that_gets_stuck_near_its_end_is_caught():
    n = 1 << 20
    data = np.random.default_rng(5).integers(0, 256, n, dtype=np.uint8)
    data[n - 20_000 :] = 42
    assert online_min_entropy(data) < 0.12


def test_steps_are_a_bijection():
    data = np.random.default_rng(3).integers(0, 256, 1000, dtype=np.uint8)
    assert np.array_equal(np.cumsum(steps(data), dtype=np.uint64).astype(np.uint8), data)
    assert np.array_equal(steps(np.arange(5, dtype=np.uint8)), [0, 1, 1, 1, 1])


def test_blocks_are_a_quarter_of_the_input_within_256_bytes_and_4_kib():
    zeros = np.zeros
    assert len(block_costs(zeros(100, np.uint8))) == 1
    assert len(block_costs(zeros(1000, np.uint8))) == 3  # 256, 256, 488: no tiny last block
    assert len(block_costs(zeros(1024, np.uint8))) == 4
    assert len(block_costs(zeros(4096, np.uint8))) == 4
    assert len(block_costs(zeros(65536, np.uint8))) == 16
    assert block_costs(zeros(0, np.uint8)) == []
    assert deflate_bound(np.array([9], np.uint8)) == 0.0

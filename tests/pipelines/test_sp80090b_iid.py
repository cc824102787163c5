"""The IID track's behaviour: statistics on hand-checked inputs, the binary conversions,
the permutation test's verdicts, reproducibility and false-rejection rate.

Inputs are small (2,000-20,000 samples) so the suite stays fast; the 10,000-shuffle run
on 1e6 samples is in benchmarks/estimators.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from openentropy.pipelines.estimators import assess_iid, chi_square_tests, lrs_test, permutation_test, translate
from openentropy.pipelines.estimators import iid_permutation, iid_statistics


def _iid(n: int, k: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, k, n).astype(np.uint8)


def _sticky(n: int, k: int, seed: int, stay: float = 0.6) -> np.ndarray:
    """A Markov chain that repeats its last symbol with probability ``stay``: not IID."""
    rng = np.random.default_rng(seed)
    fresh = rng.integers(0, k, n)
    keep = rng.random(n) < stay
    out = np.empty(n, dtype=np.uint8)
    out[0] = fresh[0]
    for i in range(1, n):
        out[i] = out[i - 1] if keep[i] else fresh[i]
    return out


def test_runs_and_collisions_by_hand():
    seq = np.array([1, 2, 2, 0, 3, 1, 0, 0, 2], dtype=np.uint8)
    # s' = + + - + - - + + : 5 runs, longest 2, 5 increases of 8
    assert iid_statistics.directional(seq) == (5, 2, 5)
    # >= 1.5: - + + - + - - - + : 6 runs, longest 3
    assert iid_statistics.median_runs(seq, 1.5) == (6, 3)
    # windows: [1 2 2] (3), [0 3 1 0] (4), then [0 2] has no repeat
    assert iid_statistics.collisions(seq) == (3.5, 4)
    assert iid_statistics.periodicity(seq, 1) == 2
    assert iid_statistics.covariance(seq, 2) == 1 * 2 + 2 * 0 + 2 * 3 + 0 * 1 + 3 * 0 + 1 * 0 + 0 * 2
    assert iid_statistics.decimal_text(seq) == b"1 2 2 0 3 1 0 0 2"


def test_binary_conversions():
    bits = np.array([1, 0, 1, 1, 0, 0, 0, 1, 1, 1], dtype=np.uint8)
    assert iid_statistics.conversion1(bits).tolist() == [4, 2]
    assert iid_statistics.conversion2(bits).tolist() == [0b10110001, 0b11000000]


def test_baseline_median_is_of_translated_symbols_and_half_for_bits():
    raw = np.array([10, 20, 30, 40], dtype=np.uint8)
    symbols, k = translate(raw)
    assert iid_statistics.baseline(symbols, raw, k) == (25.0, 1.5)
    bits = np.array([0, 1, 1, 1], dtype=np.uint8)
    assert iid_statistics.baseline(bits, bits, 2) == (0.75, 0.5)


def test_same_seed_same_counters_other_seed_other_counters():
    raw = _iid(3000, 16, 1)
    symbols, k = translate(raw)
    a = permutation_test(symbols, raw, k, seed=7)
    b = permutation_test(symbols, raw, k, seed=7)
    c = permutation_test(symbols, raw, k, seed=8)
    assert a.counters == b.counters and a.shuffles == b.shuffles
    assert a.counters != c.counters
    assert a.statistics == c.statistics


def test_early_stop_decides_every_statistic_on_iid_data():
    raw = _iid(5000, 16, 2)
    symbols, k = translate(raw)
    result = permutation_test(symbols, raw, k, seed=3)
    assert result.passed and result.failed == ()
    assert result.shuffles < iid_permutation.SHUFFLES
    for c0, c1, c2 in result.counters.values():
        assert c0 + c1 > 5 and c1 + c2 > 5


@pytest.mark.parametrize("k", [2, 16])
def test_sticky_source_is_rejected(k):
    raw = _sticky(20_000 if k == 2 else 5_000, k, 4)
    result = assess_iid(raw, 1 if k == 2 else 4, shuffles=300, seed=5)
    assert not result.permutation.passed
    assert "numDirectionalRuns" in result.permutation.failed or "periodicity(1)" in result.permutation.failed
    assert not result.iid


def test_false_rejection_rate_on_iid_data_is_within_its_bound():
    """Under IID each of the 19 statistics fails with probability about 12/10,001 (t in
    the top or bottom 6 of 10,001), so a run fails with probability at most 19 x that,
    0.023. Over 30 seeded runs we expect 0.7 rejections; 4 or more would happen with
    probability under 0.5% if the test were sound."""
    rejected = 0
    for run in range(30):
        raw = _iid(2000, 8, 100 + run)
        symbols, k = translate(raw)
        rejected += not permutation_test(symbols, raw, k, seed=run).passed
    assert rejected <= 3


def test_chi_square_rejects_a_biased_pairing():
    rng = np.random.default_rng(9)
    first = rng.integers(0, 8, 10_000)
    pairs = np.stack([first, (first + rng.integers(0, 2, 10_000)) % 8], axis=1).ravel().astype(np.uint8)
    independence, fit = chi_square_tests(*translate(pairs))
    assert not independence.passed and independence.p_value < 1e-6
    iid_ind, iid_fit = chi_square_tests(*translate(_iid(20_000, 8, 10)))
    assert iid_ind.passed and iid_fit.passed


def test_binary_chi_square_degrees_of_freedom():
    bits = _iid(100_000, 2, 11)
    independence, fit = chi_square_tests(bits, 2)
    # 5.2.3: m = 11 needs 0.5^11 x floor(1e5 / 11) >= 5 (4.4, no); m = 10 gives 9.8
    assert independence.df == 2**10 - 2
    assert fit.df == 9
    assert independence.passed and fit.passed


def test_lrs_test_fails_on_a_long_repeat():
    raw = _iid(20_000, 16, 12)
    raw[15_000:15_400] = raw[1_000:1_400]
    result = lrs_test(*translate(raw))
    assert result.w >= 400 and not result.passed
    assert lrs_test(*translate(_iid(20_000, 16, 12))).passed


def test_single_symbol_awards_nothing():
    result = assess_iid(np.zeros(1000, dtype=np.uint8), 8)
    assert result.min_entropy == 0.0 and not result.iid


def test_counters_do_not_depend_on_the_number_of_threads():
    raw = _iid(3000, 16, 13)
    symbols, k = translate(raw)
    one = permutation_test(symbols, raw, k, seed=21, workers=1)
    two = permutation_test(symbols, raw, k, seed=21, workers=2)
    assert one.counters == two.counters and one.shuffles == two.shuffles


@pytest.mark.skipif(iid_statistics._kernel() is None, reason="the native core was built without sp80090b_iid.c")
@pytest.mark.parametrize("k,n", [(2, 80_001), (16, 30_000), (256, 20_000)])
def test_native_kernel_equals_the_numpy_reference(k, n):
    rng = np.random.default_rng(k + n)
    raw = rng.integers(0, k, n).astype(np.uint8)
    symbols, kk = translate(raw)
    mean, median = iid_statistics.baseline(symbols, raw, kk)
    for active in (None, rng.random(19) < 0.5):
        native = iid_statistics.statistics(symbols, raw, kk, mean, median, active)
        reference = iid_statistics.statistics(symbols, raw, kk, mean, median, active, native=False)
        assert np.array_equal(native, reference, equal_nan=True)


@pytest.mark.skipif(iid_statistics._kernel() is None, reason="the native core was built without sp80090b_iid.c")
@pytest.mark.parametrize("n", [2, 3, 17, 63, 64, 65, 127, 128, 129, 1_000, 4_099])
@pytest.mark.parametrize("k,stay", [(2, 0.9), (5, 0.97), (16, 0.0), (200, 0.995)])
def test_native_runs_and_collisions_on_long_runs_and_odd_lengths(n, k, stay):
    """The kernel counts runs 64 flags to a word: runs that cross words, lengths that do
    not fill the last word, and sequences that are one run must count as the reference."""
    raw = _sticky(n, k, n * 1_000 + k, stay)
    if len(np.unique(raw)) < 2:
        raw[0] = 1 - min(raw[0], 1)
    symbols, kk = translate(raw)
    mean, median = iid_statistics.baseline(symbols, raw, kk)
    native = iid_statistics.statistics(symbols, raw, kk, mean, median)
    reference = iid_statistics.statistics(symbols, raw, kk, mean, median, native=False)
    assert np.array_equal(native, reference, equal_nan=True)


@pytest.mark.parametrize("native", [True, False])
def test_rounds_on_samples_equal_rounds_on_symbols(native):
    """For k > 2 a round shuffles only the raw samples and reads every statistic from
    them: the 19 values must be those of the shuffled symbols (translate is monotone),
    with the median's threshold carried over, also for a median halfway between symbols."""
    from openentropy.pipelines.estimators import iid_shuffle
    raw = np.array([3, 9, 40, 200] * 500, dtype=np.uint8)  # symbols 0-3, 500 each: median 1.5
    symbols, k = translate(raw)
    values = np.unique(raw)
    mean, median = iid_statistics.baseline(symbols, raw, k)
    assert median != int(median)
    for index in (0, 1, 2):
        data, shuffled_raw = iid_shuffle.shuffle(symbols, values, 3, index)
        alone = iid_shuffle.shuffle_samples(raw, 3, index)
        assert np.array_equal(alone, shuffled_raw)
        by_symbols = iid_statistics.statistics(data, shuffled_raw, k, mean, median, native=native)
        by_samples = iid_statistics.statistics(alone, alone, k, mean,
                                               iid_permutation.sample_median(median, values), native=native)
        assert np.array_equal(by_symbols, by_samples, equal_nan=True)
    assert iid_permutation.sample_median(2.5, np.array([1, 5, 7, 9])) == 9.0
    assert iid_permutation.sample_median(3.5, np.array([1, 5, 7, 9])) == 256.0

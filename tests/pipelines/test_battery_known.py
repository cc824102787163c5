"""Known answers of the battery tests on constructed inputs.

Inputs: all-zero bytes, bytes alternating 0x55/0xAA, an i.i.d. bit stream with 55%
ones, a Markov chain of bits that repeats its last bit with probability 3/4, a
37-byte pattern repeated, and good bytes from numpy's default_rng with fixed seeds.
Where a test computes a textbook statistic, its value is checked against an
independent computation (scipy, or exhaustive enumeration).
"""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from openentropy.pipelines.battery import TESTS, run_battery
from openentropy.pipelines.battery import advanced, entropy, pattern, runs, spectral

N = 1 << 16


def rng_bytes(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8)


@pytest.fixture(scope="module")
def good_report():
    return run_battery(rng_bytes(1 << 20, seed=20240601))


@pytest.fixture(scope="module")
def zeros():
    return np.zeros(N, dtype=np.uint8)


@pytest.fixture(scope="module")
def alternating():
    return np.tile(np.array([0x55, 0xAA], dtype=np.uint8), N // 2)


@pytest.fixture(scope="module")
def biased():
    return np.packbits(np.random.default_rng(11).random(N * 8) < 0.55)


@pytest.fixture(scope="module")
def markov():
    stay = np.random.default_rng(12).random(N * 8) < 0.75
    return np.packbits(np.cumsum(~stay) % 2)


@pytest.fixture(scope="module")
def periodic():
    return np.tile(rng_bytes(37, seed=13), N // 37 + 1)[:N]


def test_good_bytes_pass_all_31(good_report):
    assert good_report.passed == 31 and good_report.failed == 0 and good_report.not_applicable == 0
    # Ideal data grades B on a P-value test 9% of the time: expected score ~97.
    assert good_report.score >= 90.0 and good_report.grade == "A"
    result = good_report.result
    assert abs(result("Spectral Flatness").statistic - 1.0) < 0.01  # normalised: white noise = 1
    assert abs(result("Maurer's Universal").statistic - pattern.MAURER_EXPECTED) < 0.01
    assert result("Shannon Entropy").statistic > 7.999
    assert result("Compression Ratio").statistic > 1.0
    with pytest.raises(KeyError, match="known: Monobit Frequency"):
        good_report.result("Monobit")


def test_all_zeros(zeros):
    bits = N * 8
    monobit = TESTS["Monobit Frequency"](zeros)
    assert monobit.statistic == pytest.approx(math.sqrt(bits)) and monobit.p_value == 0.0 and monobit.grade == "F"
    assert TESTS["Shannon Entropy"](zeros).statistic == 0.0
    assert TESTS["Min-Entropy"](zeros).statistic == 0.0
    assert TESTS["Compression Ratio"](zeros).statistic < 0.01
    assert TESTS["Monte Carlo Pi"](zeros).statistic == 4.0  # every point at the origin
    assert TESTS["Bit Avalanche"](zeros).statistic == 0.0
    birthdays = TESTS["Birthday Spacing"](zeros)  # all 512 spacings 0 after the first
    assert birthdays.statistic == (N // 1536) * 511 and not birthdays.passed
    autocorrelation = TESTS["Autocorrelation"](zeros)
    assert not autocorrelation.passed and autocorrelation.details == "zero variance"
    cusum = TESTS["Cumulative Sums"](zeros)
    assert cusum.statistic == bits and not cusum.passed
    report = run_battery(zeros)
    assert report.passed == 0 and report.grade == "F"


def test_alternating_55_aa(alternating):
    bits = N * 8
    monobit = TESTS["Monobit Frequency"](alternating)
    assert monobit.statistic == 0.0 and monobit.p_value == 1.0 and monobit.passed and monobit.grade == "A"
    runs_result = TESTS["Runs Test"](alternating)
    # 7 changes inside each byte, none across 0x55|0xAA (1|1) or 0xAA|0x55 (0|0).
    assert runs_result.statistic == 1 + 7 * N and not runs_result.passed
    assert TESTS["Shannon Entropy"](alternating).statistic == pytest.approx(1.0)
    assert TESTS["Min-Entropy"](alternating).statistic == pytest.approx(1.0)
    assert TESTS["Bit Avalanche"](alternating).statistic == 8.0
    serial = TESTS["Serial Correlation"](alternating)
    assert serial.statistic == pytest.approx(1.0) and not serial.passed
    flatness = TESTS["Spectral Flatness"](alternating)  # all power in the Nyquist bin
    assert flatness.statistic < 0.01 and not flatness.passed
    mean_variance = TESTS["Mean & Variance"](alternating)
    assert mean_variance.statistic == 0.0 and not mean_variance.passed  # mean exact, variance 1806.25
    excursions = TESTS["Random Excursions"](alternating)
    assert excursions.statistic == bits // 2 and not excursions.passed  # back at 0 every 2 steps
    assert "zero variance" in TESTS["Cross-Correlation"](alternating).details
    assert run_battery(alternating).grade == "F"


def test_biased_bits_fail_frequency_but_not_independence(biased):
    frequency = ("Monobit Frequency", "Block Frequency", "Byte Frequency", "Runs Test", "Cumulative Sums")
    for name in (*frequency, "Mean & Variance"):
        assert not TESTS[name](biased).passed, name
    # The bits are independent: tests of dependence alone still pass.
    dependence = ("Serial Correlation", "Lag-N Correlation", "Autocorrelation", "Spectral Flatness")
    for name in (*dependence, "Cross-Correlation"):
        assert TESTS[name](biased).passed, name


def test_markov_chain_fails_the_pattern_tests_not_monobit(markov):
    assert TESTS["Monobit Frequency"](markov).passed  # balanced marginals
    for name in ("Runs Test", "Serial Test", "Approximate Entropy", "Longest Run of Ones", "Overlapping Template"):
        assert not TESTS[name](markov).passed, name
    runs_result = TESTS["Runs Test"](markov)
    assert runs_result.statistic == pytest.approx(N * 8 / 4, rel=0.01)  # a change every 4 bits on average


def test_short_period_fails_correlation_compression_and_spectrum(periodic):
    for name in ("Autocorrelation", "Lag-N Correlation", "Compression Ratio", "Kolmogorov Complexity",
                 "DFT Spectral", "Spectral Flatness", "Byte Frequency", "Linear Complexity"):
        result = TESTS[name](periodic)
        assert not result.passed and result.grade == "F", name
    assert run_battery(periodic).grade == "F"


def test_p_values_agree_with_scipy():
    data = rng_bytes(50_000, seed=3)
    counts = np.bincount(data, minlength=256)
    assert TESTS["Byte Frequency"](data).p_value == pytest.approx(stats.chisquare(counts).pvalue, rel=1e-9)
    even, odd = data[0:-1:2].astype(float), data[1::2].astype(float)
    assert TESTS["Cross-Correlation"](data).p_value == pytest.approx(stats.pearsonr(even, odd).pvalue, rel=1e-6)
    x = data.astype(float)
    r1 = np.dot(x[:-1] - x.mean(), x[1:] - x.mean()) / ((x.size - 1) * x.var())
    serial = TESTS["Serial Correlation"](data)
    assert serial.statistic == pytest.approx(abs(r1), rel=1e-9)
    assert serial.p_value == pytest.approx(2 * stats.norm.sf(abs(r1) * math.sqrt(x.size)), rel=1e-9)
    cdf = np.cumsum(counts) / data.size
    assert TESTS["Kolmogorov-Smirnov"](data).statistic == pytest.approx(np.abs(cdf - np.arange(1, 257) / 256).max())


def test_overlapping_template_variance_is_exact():
    """Exhaustively over all 2^14 sequences of 14 bits (11 windows)."""
    n = 14
    counts = []
    for bits in itertools.product((0, 1), repeat=n):
        s = "".join(map(str, bits))
        counts.append(sum(s.startswith("1111", i) for i in range(n - 3)))
    assert np.var(counts) == pytest.approx(pattern.overlapping_template_variance(n - 3))
    assert pattern.overlapping_template_variance(10**9) / 10**9 == pytest.approx(37 / 256)


def test_template_counts_and_blocks_match_the_bitwise_definitions():
    data = rng_bytes(1001, seed=5)
    bits = np.unpackbits(data)
    windows = [int("".join(map(str, bits[i : i + 4])), 2) for i in range(bits.size - 3)]
    assert pattern.count_windows(data, 0b1111) == windows.count(0b1111)
    assert pattern.count_windows(data, 0b0011) == windows.count(0b0011)
    six = bits[: bits.size // 6 * 6].reshape(-1, 6) @ (1 << np.arange(5, -1, -1))
    assert (pattern.six_bit_blocks(data)[: six.size] == six).all()


def test_walk_by_bytes_matches_the_bitwise_walk():
    data = rng_bytes(999, seed=6)
    walk = np.cumsum(2 * np.unpackbits(data).astype(int) - 1)
    assert TESTS["Cumulative Sums"](data).statistic == np.abs(walk).max()
    cycles = np.count_nonzero(walk == 0) + (walk[-1] != 0)
    assert TESTS["Random Excursions"](data).statistic == cycles


def test_permutation_codes_are_the_stable_ordinal_patterns():
    """Over all 4-tuples of 0..3 (ties included): one code per stable argsort, and back."""
    tuples = np.array(list(itertools.product(range(4), repeat=4)), dtype=np.uint8)
    code_of = {}
    for window in tuples:
        result = entropy.permutation_entropy(np.concatenate([window, np.zeros(10, np.uint8)]))
        assert result.applicable
        order = tuple(np.argsort(window, kind="stable"))
        code = tuple(int(window[i] > window[j]) for i in range(4) for j in range(i + 1, 4))
        code_of.setdefault(order, set()).add(code)
    assert len(code_of) == 24 and all(len(codes) == 1 for codes in code_of.values())


def test_longest_run_table_and_constants():
    assert list(runs.LONGEST_RUN_IN_BYTE[[0x00, 0x01, 0x5A, 0x77, 0xF0, 0xFE, 0xFF]]) == [0, 1, 2, 3, 4, 7, 8]
    assert advanced.BIRTHDAY_LAMBDA == 2.0
    assert spectral.WHITE_NOISE_FLATNESS == pytest.approx(0.561459, abs=1e-6)

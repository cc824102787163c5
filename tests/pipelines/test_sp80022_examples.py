"""The worked examples of SP 800-22 rev1a section 2, and inputs that must fail.

P-values are compared to the six decimals the document prints. Where the document's
example disagrees with its own formula, the test asserts what sts-2.1.2 computes and
says why (DFT). Examples that need parameters sts hard-codes differently (3x3 rank,
L=2 universal) or a generator we do not have (G-SHA-1 for 2.7.8) are left out.
"""

import numpy as np
import pytest

from openentropy.pipelines import sp80022 as sp
from openentropy.pipelines.sp80022.complexity import linear_complexities, linear_complexities_numpy

#: The 100-bit example sequence of sections 2.x.8: the first 100 bits of pi's binary expansion.
PI_100 = (
    "11001001000011111101101010100010001000010110100011"
    "00001000110100110001001100011001100010100010111000"
)
#: The 128-bit example of section 2.4.8.
LONGEST_RUN_128 = (
    "11001100000101010110110001001100111000000000001001"
    "00110101010001000100111101011010000000110101111100"
    "1100111001101101100010110010"
)


def bits(text: str) -> np.ndarray:
    return np.array([int(c) for c in text], dtype=np.uint8)


def close(value: float, printed: float, places: float = 1e-6) -> bool:
    return abs(value - printed) <= places


@pytest.mark.parametrize(
    ("test", "sequence", "kwargs", "printed"),
    [
        (sp.frequency, "1011010101", {}, 0.527089),  # 2.1.4
        (sp.frequency, PI_100, {}, 0.109599),  # 2.1.8
        (sp.block_frequency, "0110011010", {"block_length": 3}, 0.801252),  # 2.2.4
        (sp.block_frequency, PI_100, {"block_length": 10}, 0.706438),  # 2.2.8
        (sp.runs, "1001101011", {}, 0.147232),  # 2.3.4
        (sp.runs, PI_100, {}, 0.500798),  # 2.3.8
        (sp.longest_run_of_ones, LONGEST_RUN_128, {}, 0.180609),  # 2.4.8
        (sp.approximate_entropy, "0100110101", {"block_length": 3}, 0.261961),  # 2.12.4
        (sp.approximate_entropy, PI_100, {"block_length": 2}, 0.235301),  # 2.12.8
        (sp.cumulative_sums, "1011010111", {}, 0.4116588),  # 2.13.4 (forward)
        (sp.cumulative_sums, PI_100, {}, 0.219194),  # 2.13.8 forward
    ],
)
def test_small_examples(test, sequence, kwargs, printed):
    assert close(test(bits(sequence), **kwargs).p_values[0], printed)


def test_cumulative_sums_reverse_example():
    assert close(sp.cumulative_sums(bits(PI_100)).p_value("reverse"), 0.114866)  # 2.13.8


def test_non_overlapping_template_example():
    """2.7.4: epsilon = 10100100101110010110, B = 001, N = 2 blocks of M = 10."""
    r = sp.non_overlapping_template_matching(bits("10100100101110010110"), template_length=3, blocks=2, templates=["001"])
    assert r.labels == ("001",)
    assert close(r.p_values[0], 0.344154)


def test_serial_example():
    """2.11.4: epsilon = 0011011101, m = 3: igamc(2, 0.8) and igamc(1, 0.4)."""
    r = sp.serial(bits("0011011101"), block_length=3)
    assert close(r.p_value("p_value1"), 0.808792)
    assert close(r.p_value("p_value2"), 0.670320)
    assert close(r.statistics["del1"], 1.6) and close(r.statistics["del2"], 0.8)


def test_dft_examples_follow_sts():
    """2.6.4 prints N_1 = 4 and P = 0.029523 for 1001010011, but the five magnitudes
    |X_0..X_4| = 0, 2, 4.47, 2, 4.47 are all below T = sqrt(ln 20 * 10) = 5.47, so
    N_1 = 5; sts gets 0.468160 (and 0.646355 for 2.6.8, printed 0.168669)."""
    small = sp.discrete_fourier_transform(bits("1001010011"))
    assert small.statistics["N1"] == 5
    assert close(small.p_values[0], 0.468160)
    assert close(sp.discrete_fourier_transform(bits(PI_100)).p_values[0], 0.646355)


def test_linear_complexity_of_the_example_sequence():
    """2.10.4: the 13-bit block 1101011110001 has linear complexity 4."""
    block = bits("1101011110001")[None, :]
    assert linear_complexities(block).tolist() == [4]
    assert linear_complexities_numpy(block).tolist() == [4]


def test_examples_on_e(e_bits):
    """Sections 2.5.8, 2.8.8, 2.9.8, 2.10.8 (M = 1000), 2.11.8 (m = 2), 2.14.8, 2.15.8."""
    assert close(sp.rank(e_bits[:100_000]).p_values[0], 0.532069)
    assert close(sp.overlapping_template_matching(e_bits).p_values[0], 0.110434)
    assert close(sp.universal(e_bits).p_values[0], 0.282568)
    assert close(sp.linear_complexity(e_bits, block_length=1000).p_values[0], 0.845406)
    assert np.allclose(sp.serial(e_bits, block_length=2).p_values, (0.843764, 0.561915), atol=1e-6, rtol=0)
    excursions = sp.random_excursions(e_bits)
    printed = (0.573306, 0.197996, 0.164011, 0.007779, 0.786868, 0.440912, 0.797854, 0.778186)
    assert np.allclose(excursions.p_values, printed, atol=1e-6, rtol=0)
    assert excursions.passed is False  # x = -1 is below alpha, as the document notes
    variant = sp.random_excursions_variant(e_bits)
    assert close(variant.p_value("x=-9"), 0.858946) and close(variant.p_value("x=1"), 0.137861)
    assert close(variant.p_value("x=9"), 0.593930)


# --- constructed failures --------------------------------------------------------

N = 1_000_000


def test_all_zeros_fail_everything_applicable():
    results = sp.run_suite(np.zeros(N, dtype=np.uint8))
    verdicts = {r.name: r.passed for r in results}
    assert verdicts.pop("RandomExcursions") is None  # J = 1 cycle: not applicable
    assert verdicts.pop("RandomExcursionsVariant") is None
    assert set(verdicts.values()) == {False}, verdicts
    runs = next(r for r in results if r.name == "Runs")
    assert runs.p_values == (0.0,) and runs.statistics["prerequisite_met"] == 0


def test_alternating_bits_pass_the_balance_tests_and_fail_the_rest():
    results = {r.name: r for r in sp.run_suite(np.tile(np.array([0, 1], dtype=np.uint8), N // 2))}
    for balanced in ("Frequency", "BlockFrequency", "CumulativeSums"):
        assert results[balanced].passed, balanced
    for name in ("Runs", "LongestRun", "Rank", "FFT", "NonOverlappingTemplate", "OverlappingTemplate",
                 "Universal", "ApproximateEntropy", "Serial", "LinearComplexity", "RandomExcursionsVariant"):
        assert results[name].passed is False, name
    excursions = results["RandomExcursions"]
    assert excursions.passed is None and "max(1000, n/100)" in excursions.reason
    assert results["Rank"].statistics["F32"] == 0
    assert results["RandomExcursionsVariant"].p_value("x=-1") == pytest.approx(1.0)


def test_capped_runs_fail_the_longest_run_test():
    """Random bits with every 4th bit forced to 0: no run of ones is longer than 3."""
    eps = np.random.default_rng(7).integers(0, 2, 20_000, dtype=np.uint8)
    assert sp.longest_run_of_ones(eps).passed
    eps[3::4] = 0
    assert sp.longest_run_of_ones(eps).passed is False

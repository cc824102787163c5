"""Our SP 800-90B IID track against NIST's ea_iid on u8_narrow (1e6 8-bit samples).

The reference is reference/ea_iid_u8_narrow.json (provenance in reference/README.md);
the input is rebuilt by reference/inputs.py and checked by SHA-256 (conftest.py). The 19
unpermuted statistics, the chi-square T and df, the LRS test's W and the MCV figures
must equal the tool's exactly (integers) or to the last printed double digit; p-values
to 1e-10 (the tool uses cephes' igamc, we scipy's). The permutation verdict must agree.
The tool's permutation counters come from an unseeded generator and are not compared.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from openentropy.pipelines.estimators import STATISTIC_NAMES, chi_square_tests, lrs_test, translate
from openentropy.pipelines.estimators import iid_statistics
from openentropy.pipelines.estimators.iid_assessment import assess_iid

REFERENCE = json.loads((Path(__file__).parent / "reference" / "ea_iid_u8_narrow.json").read_text())


@pytest.fixture(scope="module")
def samples(u8_narrow, ea_reference):
    assert REFERENCE["input"]["sha256"] == ea_reference["input"]["sha256"]
    return u8_narrow


@pytest.fixture(scope="module")
def translated(samples):
    return translate(samples)


@pytest.fixture(scope="module")
def unpermuted(samples, translated):
    symbols, k = translated
    mean, median = iid_statistics.baseline(symbols, samples, k)
    return mean, median, iid_statistics.statistics(symbols, samples, k, mean, median)


def test_reference_names_are_ours():
    assert tuple(REFERENCE["permutation"]["unpermuted"]) == STATISTIC_NAMES


def test_alphabet_mean_and_median(translated, unpermuted):
    assert translated[1] == REFERENCE["alphabet_size"]
    assert unpermuted[0] == REFERENCE["raw_mean"]
    assert unpermuted[1] == REFERENCE["median"]


@pytest.mark.parametrize("index,name", list(enumerate(STATISTIC_NAMES)))
def test_unpermuted_statistic_equals_ea_iid(unpermuted, index, name):
    assert unpermuted[2][index] == REFERENCE["permutation"]["unpermuted"][name]


def test_chi_square_equals_ea_iid(translated):
    independence, fit = chi_square_tests(*translated)
    for ours, name in ((independence, "independence"), (fit, "goodness_of_fit")):
        expected = REFERENCE["chi_square"][name]
        assert ours.t == expected["t"], name
        assert ours.df == expected["df"], name
        assert ours.p_value == pytest.approx(expected["p_value"], rel=1e-10), name
        assert ours.passed


def test_lrs_test_equals_ea_iid(translated):
    result = lrs_test(*translated)
    expected = REFERENCE["lrs_test"]
    assert result.w == expected["w"]
    assert result.p_col == expected["p_col"]
    assert result.probability == pytest.approx(expected["probability"], rel=1e-15)
    assert result.passed is expected["passed"]


def test_most_common_value_and_final_figure_equal_ea_iid(samples):
    result = assess_iid(samples, 8, permutation=False)
    for pass_, estimate in (("literal", result.literal), ("bitstring", result.bitstring)):
        expected = REFERENCE["most_common_value"][pass_]
        assert estimate.details["Mode count"] == expected["mode_count"]
        assert estimate.details["p-hat"] == expected["p_hat"]
        assert estimate.details["p_u"] == pytest.approx(expected["p_u"], rel=1e-15)
        assert estimate.h == pytest.approx(expected["min_entropy"], rel=1e-15)
    assert result.h_original == pytest.approx(REFERENCE["h_original"], rel=1e-15)
    assert result.h_bitstring == pytest.approx(REFERENCE["h_bitstring"], rel=1e-15)
    assert result.min_entropy == pytest.approx(REFERENCE["assessed_min_entropy"], rel=1e-15)
    assert not result.iid  # the permutation test did not run: no IID claim


def test_excursion_is_the_fused_value_not_the_twice_rounded_one(samples):
    running = np.cumsum(samples, dtype=np.float64)
    twice_rounded = float(np.abs(running - np.arange(1, len(samples) + 1) * REFERENCE["raw_mean"]).max())
    assert twice_rounded != REFERENCE["permutation"]["unpermuted"]["excursion"]
    assert iid_statistics.excursion(samples, REFERENCE["raw_mean"]) == REFERENCE["permutation"]["unpermuted"]["excursion"]

"""The SP 800-90B restart tests (3.1.4) against NIST's ea_restart on u8_narrow as a
1000 x 1000 restart matrix, and their verdicts on made-up restart data.

Reference: reference/ea_restart_u8_narrow.json (provenance in reference/README.md).
Every estimate on the rows and on the columns must equal the tool's to 1e-15; alpha,
X_max and the verdicts exactly. The tool's X_cutoff comes from an unseeded simulation;
ours is the standard's binomial cutoff, and must be lower (stricter) than it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import binom

from openentropy.pipelines.estimators.restart import binomial_cutoff, restart_test, sanity_alpha

REFERENCE = json.loads((Path(__file__).parent / "reference" / "ea_restart_u8_narrow.json").read_text())


@pytest.fixture(scope="module")
def result(u8_narrow, ea_reference):
    assert REFERENCE["input"]["sha256"] == ea_reference["input"]["sha256"]
    return restart_test(u8_narrow, 8, REFERENCE["h_initial"])


def test_sanity_check_figures(result):
    assert result.alpha == pytest.approx(REFERENCE["alpha"], rel=1e-15)
    assert result.x_max == REFERENCE["x_max"]
    assert result.sanity_passed is REFERENCE["sanity_passed"]
    assert result.x_max <= result.x_cutoff <= REFERENCE["x_cutoff_simulated"]


@pytest.mark.parametrize("name", list(REFERENCE["estimators"]))
def test_row_and_column_estimates_equal_ea_restart(result, name):
    expected = REFERENCE["estimators"][name]
    assert result.rows[name] == pytest.approx(expected["rows"], rel=1e-15)
    assert result.cols[name] == pytest.approx(expected["cols"], rel=1e-15)


def test_validation_and_final_entropy(result):
    assert result.h_r == pytest.approx(REFERENCE["h_r"], rel=1e-15)
    assert result.h_c == pytest.approx(REFERENCE["h_c"], rel=1e-15)
    assert result.validation_passed is REFERENCE["validation_passed"]
    assert result.min_entropy == REFERENCE["min_entropy"] and result.passed


def test_binomial_cutoff_is_the_alpha_quantile():
    alpha = sanity_alpha()
    for h in (1.0, 2.991397, 5.5):
        f, p = binomial_cutoff(h, alpha), 2.0**-h
        assert binom.sf(f - 1, 1000, p) >= alpha > binom.sf(f, 1000, p)


def test_a_source_that_restarts_into_the_same_state_fails_the_sanity_check():
    rng = np.random.default_rng(1)
    restarts = rng.integers(0, 16, (1000, 1000)).astype(np.uint8)
    restarts[:, 0] = 7  # every restart's first sample is the same: column 0 is constant
    result = restart_test(restarts.ravel(), 4, 3.9)
    assert result.x_max == 1000 and not result.sanity_passed and result.min_entropy == 0.0


def test_a_biased_source_fails_the_sanity_check_for_its_claimed_entropy():
    rng = np.random.default_rng(2)
    restarts = np.where(rng.random((1000, 1000)) < 0.5, 0, rng.integers(0, 256, (1000, 1000))).astype(np.uint8)
    result = restart_test(restarts.ravel(), 8, 4.0, iid=True)  # p(0) ~ 0.5, claimed 2^-4
    assert result.x_max > result.x_cutoff and not result.passed and result.min_entropy == 0.0


def test_a_predictable_source_passes_the_sanity_check_and_fails_validation():
    i, j = np.indices((1000, 1000))
    restarts = ((i + j) % 256).astype(np.uint8)  # each value ~4 times per row and column
    result = restart_test(restarts.ravel(), 8, 7.5)
    assert result.sanity_passed and min(result.h_r, result.h_c) < 7.5 / 2
    assert result.validation_passed is False and result.min_entropy == 0.0


def test_wrong_shape_and_h_initial_are_errors():
    with pytest.raises(ValueError, match="1000 x 1000"):
        restart_test(np.zeros(10, dtype=np.uint8), 8, 1.0)
    with pytest.raises(ValueError, match="H_I"):
        restart_test(np.zeros(1_000_000, dtype=np.uint8), 4, 5.0)


def test_iid_mode_tests_rows_and_columns_and_a_rejection_fails_validation():
    """6 shuffles cannot put 6 on each side of every statistic: the IID tests reject, on
    the rows and on the columns separately, and the validation fails although H_r and
    H_c are high."""
    restarts = np.random.default_rng(3).integers(0, 16, 1_000_000).astype(np.uint8)
    result = restart_test(restarts, 4, 3.5, iid=True, shuffles=6, seed=1)
    assert result.sanity_passed and set(result.rows) == set(result.cols) == {"MostCommonValue", "IID tests"}
    assert result.rows["IID tests"] is False and result.cols["IID tests"] is False
    assert min(result.h_r, result.h_c) > 3.5 / 2 and result.validation_passed is False and result.min_entropy == 0.0

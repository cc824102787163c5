"""Section 4.2: proportion of passing sequences and uniformity of P-values."""

import math

import numpy as np
import pytest
from scipy.special import gammaincc

from openentropy.pipelines import sp80022 as sp
from openentropy.pipelines.sp80022.result import TestResult, not_applicable


def make(name, *p, labels=None):
    return TestResult(name, tuple(p), labels or ("",) * len(p), {})


def test_acceptable_range_of_section_4_2_1():
    low, high = sp.acceptable_range(1000)
    assert low == pytest.approx(0.99 - 3 * math.sqrt(0.99 * 0.01 / 1000))
    assert (round(low, 4), round(high, 4)) == (0.9806, 0.9994)  # the document's m = 1000 example
    with pytest.raises(ValueError, match="at least one sequence"):
        sp.acceptable_range(0)


def test_uniformity_uses_sts_integer_expected_count():
    p = [0.05] * 3 + [0.55] * 8  # m = 11: s = 11 // 10 = 1
    bins, p_t = sp.uniformity(p)
    assert bins == (3, 0, 0, 0, 0, 8, 0, 0, 0, 0)
    chi2 = (3 - 1) ** 2 + (8 - 1) ** 2 + 8 * 1
    assert p_t == pytest.approx(gammaincc(4.5, chi2 / 2))
    assert sp.uniformity([0.3] * 9)[1] is None
    assert sp.uniformity([1.0] * 10)[0][9] == 10


def test_uniform_p_values_pass_and_clustered_ones_fail():
    uniform = sp.summarise("Frequency", "", (np.arange(100) + 0.5) / 100)  # 0.005 .. 0.995
    assert uniform.uniformity_ok and uniform.proportion_ok and uniform.ok
    assert uniform.pass_count == 99 and uniform.bins == (10,) * 10
    clustered = sp.summarise("Frequency", "", [0.5] * 100)
    assert clustered.uniformity_ok is False and not clustered.ok


def test_proportion_threshold_truncates_like_assess():
    """m = 100: range 0.9601..1.0199; assess accepts (int)(96.01) = 96 passes."""
    ok = sp.summarise("T", "", [0.001] * 4 + [0.5] * 96)
    assert ok.pass_count == 96 and ok.proportion < ok.acceptable_range[0] and ok.proportion_ok
    bad = sp.summarise("T", "", [0.001] * 5 + [0.5] * 95)
    assert not bad.proportion_ok


def test_analyse_groups_by_label_and_drops_not_applicable():
    seqs = [
        [make("CumulativeSums", 0.2, 0.3, labels=("forward", "reverse")), make("RandomExcursions", 0.4, labels=("x=1",))],
        [make("CumulativeSums", 0.001, 0.6, labels=("forward", "reverse")), not_applicable("RandomExcursions", "J")],
    ]
    summaries = sp.analyse(seqs)
    keys = [(s.name, s.label, s.sample_size, s.pass_count) for s in summaries]
    assert keys == [
        ("CumulativeSums", "forward", 2, 1),
        ("CumulativeSums", "reverse", 2, 2),
        ("RandomExcursions", "x=1", 1, 1),
    ]
    never = sp.analyse([not_applicable("Universal", "short")])
    assert [(s.name, s.sample_size, s.proportion_ok) for s in never] == [("Universal", 0, False)]


def test_analyse_on_suite_results():
    rng = np.random.default_rng(11)
    runs = [sp.run_suite(rng.integers(0, 2, 20_000, dtype=np.uint8)) for _ in range(12)]
    summaries = sp.analyse(runs)
    assert {s.name for s in summaries} >= {"Frequency", "NonOverlappingTemplate", "Serial"}
    assert sum(s.name == "NonOverlappingTemplate" for s in summaries) == 148
    assert all(s.sample_size == 12 for s in summaries if s.name == "Frequency")

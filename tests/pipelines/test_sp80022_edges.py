"""Short and degenerate inputs give clear "not applicable" results, bad input a clear error,
and the two Berlekamp-Massey paths (native core, numpy) agree."""

import numpy as np
import pytest

from openentropy.pipelines import sp80022 as sp
from openentropy.pipelines.sp80022.complexity import linear_complexities, linear_complexities_numpy
from openentropy.pipelines.sp80022.result import TestResult
from openentropy.pipelines.sp80022.windows import fold_counts, pattern_counts, window_values
from openentropy.pipelines import _native


@pytest.mark.parametrize("n", [0, 1, 2, 10, 127, 1000, 5000])
def test_short_inputs_never_crash(n):
    eps = np.random.default_rng(n).integers(0, 2, n, dtype=np.uint8)
    results = sp.run_suite(eps)
    assert [r.name for r in results] == [t(np.ones(1_100, np.uint8)).name for t in sp.TESTS]
    for r in results:
        if r.applicable:
            assert r.p_values and all(0.0 <= p <= 1.0 + 1e-12 for p in r.p_values), r
        else:
            assert r.p_values == () and r.passed is None and r.reason, r


def test_which_tests_need_how_many_bits():
    eps = np.random.default_rng(1).integers(0, 2, 100_000, dtype=np.uint8)
    na = {r.name: r.reason for r in sp.run_suite(eps) if not r.applicable}
    assert "Universal" in na and "387840" in na["Universal"]
    assert set(na) <= {"Universal", "RandomExcursions", "RandomExcursionsVariant"}
    assert "128" in sp.longest_run_of_ones(eps[:127]).reason
    assert "1024" in sp.rank(eps[:1023]).reason
    assert sp.rank(eps[:1024]).applicable


def test_excursions_need_500_cycles():
    eps = np.random.default_rng(3).integers(0, 2, 100_000, dtype=np.uint8)
    r = sp.random_excursions(eps)
    assert not r.applicable and r.statistics["J"] < 500 and "J =" in r.reason


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.array([0, 1, 2]), "found the value 2"),
        (np.array([0, -1]), "found the value -1"),
        (np.array([0.0, 1.0]), "dtype float64"),
        (np.zeros((2, 2), dtype=np.uint8), "1-D"),
        (np.array([256, 1]), "found the value 256"),
    ],
)
def test_non_bits_are_rejected_with_the_reason(bad, message):
    with pytest.raises(ValueError, match=message):
        sp.frequency(bad)


def test_unpack_bits_is_msb_first():
    assert sp.unpack_bits(b"\x80\x01").tolist() == [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert sp.unpack_bits(np.array([0xA0], dtype=np.uint8)).tolist() == [1, 0, 1, 0, 0, 0, 0, 0]
    assert sp.frequency([True, False]).applicable


def test_periodic_templates_are_refused():
    with pytest.raises(ValueError, match="aperiodic"):
        sp.non_overlapping_template_matching(np.zeros(100, np.uint8), template_length=3, templates=["101"])


def test_aperiodic_templates_are_sts_template9():
    templates = sp.aperiodic_templates(9)
    assert len(templates) == 148 and templates[0] == "000000001" and templates[-1] == "111111110"
    assert sp.aperiodic_templates(2) == ("01", "10")


def test_result_is_frozen_and_labelled():
    r = sp.cumulative_sums(np.array([1, 0, 1, 1, 0, 1, 0, 1, 1, 1], np.uint8))
    assert r.labels == ("forward", "reverse") and r.passed is True
    with pytest.raises(AttributeError):
        r.name = "x"
    with pytest.raises(TypeError):
        r.statistics["z_forward"] = 0
    with pytest.raises(KeyError, match="forward, reverse"):
        r.p_value("sideways")
    failing = TestResult("T", (0.5, 0.001), ("a", "b"), {})
    assert failing.passed is False


def test_windows_and_folding():
    eps = np.array([1, 0, 1, 1], np.uint8)
    assert window_values(eps, 2).tolist() == [2, 1, 3]
    assert window_values(eps, 2, cyclic=True).tolist() == [2, 1, 3, 3]
    counts = pattern_counts(eps, 3)
    assert fold_counts(counts).tolist() == pattern_counts(eps, 2).tolist()


def test_native_and_numpy_berlekamp_massey_agree():
    blocks = np.random.default_rng(5).integers(0, 2, (400, 200), dtype=np.uint8)
    blocks[0] = 0
    blocks[1] = 1
    expected = linear_complexities_numpy(blocks)
    assert expected[0] == 0 and expected[1] == 1
    assert linear_complexities(blocks).tolist() == expected.tolist()
    odd = np.random.default_rng(6).integers(0, 2, (50, 129), dtype=np.uint8)  # crosses a 64-bit word
    assert linear_complexities(odd).tolist() == linear_complexities_numpy(odd).tolist()


@pytest.mark.skipif(not _native.AVAILABLE, reason="native core not built")
def test_native_core_rejects_bad_arguments():
    out = _native.ffi.new("int32_t[1]")
    assert _native.lib.oe_sp80022_linear_complexity(_native.ffi.new("uint8_t[1]"), 1, 0, out) == -22


def test_numpy_berlekamp_massey_without_bitwise_count(monkeypatch):
    """numpy < 2 has no bitwise_count; the parity then folds shifts."""
    blocks = np.random.default_rng(8).integers(0, 2, (64, 100), dtype=np.uint8)
    expected = linear_complexities_numpy(blocks)
    monkeypatch.delattr(np, "bitwise_count", raising=False)
    assert linear_complexities_numpy(blocks).tolist() == expected.tolist()

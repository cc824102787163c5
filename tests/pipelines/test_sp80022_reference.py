"""Every P-value of the suite on a million bits of e equals NIST sts-2.1.2's to 1e-6.

sts-e.json's ``p_values_full_precision`` holds all 188 P-values (148 templates, 8 + 18
excursion states, both cumulative sums and both serial values); see conftest.py for
where the reference and its input come from.
"""

import pytest

from openentropy.pipelines.sp80022 import run_suite
from openentropy.sources import _native

TOLERANCE = 1e-6


def _compare(results, reference):
    expected = reference["p_values_full_precision"]
    labels = reference["labels"]
    assert [r.name for r in results] == list(expected)
    mismatches = []
    for r in results:
        assert r.applicable, f"{r.name}: {r.reason}"
        assert len(r.p_values) == len(expected[r.name]), r.name
        if r.name in labels:
            ours = [label.split(" ")[0] for label in r.labels]
            assert ours == [label.split(" ")[0] for label in labels[r.name]], r.name
        for label, got, want in zip(r.labels, r.p_values, expected[r.name]):
            if abs(got - want) > TOLERANCE:
                mismatches.append(f"{r.name}[{label}]: {got!r} != sts {want!r}")
    assert not mismatches, "\n".join(mismatches)


def test_all_p_values_match_sts(e_bits, nist_reference):
    results = run_suite(e_bits)
    _compare(results, nist_reference)
    assert sum(len(r.p_values) for r in results) == 188
    assert results[11].statistics["J"] == nist_reference["random_excursions"]["J_cycles"]


@pytest.mark.skipif(not _native.AVAILABLE, reason="native core not built: the first test already ran numpy")
def test_all_p_values_match_sts_without_the_native_core(e_bits, nist_reference, monkeypatch):
    monkeypatch.setattr(_native, "AVAILABLE", False)
    monkeypatch.setattr(_native, "lib", None)
    monkeypatch.setattr(_native, "ffi", None)
    _compare(run_suite(e_bits), nist_reference)

"""Our SP 800-90B assessment against NIST's ea_non_iid on u8_narrow (1e6 8-bit samples).

The reference is reference/ea_non_iid_u8_narrow.json (its provenance in
reference/README.md); the input is rebuilt by reference/inputs.py and must have the
JSON's SHA-256 (conftest.py). Every h_original/h_bitstring and every intermediate
value in the JSON must agree to 1e-3.
"""

from __future__ import annotations

import pytest

from openentropy.pipelines.estimators import ESTIMATOR_NAMES, assess

TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def reference(ea_reference):
    return ea_reference


@pytest.fixture(scope="module")
def samples(u8_narrow):
    return u8_narrow


@pytest.fixture(scope="module")
def assessment(samples, reference):
    return assess(samples, reference["input"]["bits_per_symbol"])


def test_reference_names_are_ours(reference):
    assert tuple(reference["estimators"]) == ESTIMATOR_NAMES


@pytest.mark.parametrize("name", ESTIMATOR_NAMES)
def test_estimator_matches_ea_non_iid(assessment, reference, name):
    expected = reference["estimators"][name]
    h_original, h_bitstring = assessment.h(name)
    for ours, theirs in ((h_original, expected["h_original"]), (h_bitstring, expected["h_bitstring"])):
        if theirs is None:
            assert ours is None
        else:
            assert ours == pytest.approx(theirs, abs=TOLERANCE)


@pytest.mark.parametrize("section", ["Literal", "Bitstring"])
def test_intermediate_values_match(assessment, reference, section):
    ours_by_name = assessment.original if section == "Literal" else assessment.bitstring
    checked = 0
    for name, values in reference["estimator_details"][section].items():
        details = ours_by_name[name].details
        for key, theirs in values.items():
            if key == "min entropy":
                assert ours_by_name[name].h == pytest.approx(theirs, abs=TOLERANCE), name
            elif key == "messages":
                assert tuple(details["messages"]) == tuple(theirs), name
            elif key == "p-hat_max" and name == "Markov":
                assert details[key] == pytest.approx(theirs, rel=1e-6), name  # ~1e-28: relative
            else:
                assert details[key] == pytest.approx(theirs, abs=TOLERANCE), (name, key)
            checked += 1
    assert checked >= 40


def test_final_assessment(assessment, reference):
    assert assessment.h_original == pytest.approx(reference["h_original"], abs=TOLERANCE)
    assert assessment.h_bitstring == pytest.approx(reference["h_bitstring"], abs=TOLERANCE)
    assert assessment.min_entropy == pytest.approx(reference["min_entropy"], abs=TOLERANCE)
    assert assessment.alphabet_size < 256 and assessment.samples == reference["input"]["samples"]

"""Our SP 800-90B assessment against NIST's ea_non_iid on u8_narrow (1e6 8-bit samples).

The input is regenerated from the shared reference folder's make_inputs.py (read-only,
at ../shared/reference/nist beside the repository root); its sha256 must match the JSON's.
In a git worktree the main checkout (named by the worktree's ``.git`` file) is also a root.
Every h_original/h_bitstring and every intermediate value in the JSON must agree to 1e-3.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from openentropy.pipelines.estimators import ESTIMATOR_NAMES, assess

REPO = Path(__file__).resolve().parents[2]


def _roots() -> list[Path]:
    roots = [REPO]
    git = REPO / ".git"
    if git.is_file() and git.read_text().startswith("gitdir:"):
        # <main>/.git/worktrees/<name> -> <main>
        roots.append(Path(git.read_text().split(":", 1)[1].strip()).parents[2])
    return roots


_CANDIDATES = [root.parent / "shared" / "reference" / "nist" for root in _roots()]
NIST = next((c for c in _CANDIDATES if (c / "ea-non-iid-u8_narrow.json").is_file()), _CANDIDATES[0])
TOLERANCE = 1e-3


@pytest.fixture(scope="module")
def reference():
    if not (NIST / "make_inputs.py").is_file() or not (NIST / "ea-non-iid-u8_narrow.json").is_file():
        pytest.fail(
            "NIST reference folder missing: expected make_inputs.py and ea-non-iid-u8_narrow.json in one of "
            f"{', '.join(map(str, _CANDIDATES))} "
            "(the shared folder sits beside the repository root as ../shared)"
        )
    return json.loads((NIST / "ea-non-iid-u8_narrow.json").read_text())


@pytest.fixture(scope="module")
def samples(reference, tmp_path_factory):
    spec = importlib.util.spec_from_file_location("nist_make_inputs", NIST / "make_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = module.gen_u8_narrow()
    path = tmp_path_factory.mktemp("nist") / reference["input"]
    path.write_bytes(data)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == reference["sha256"]
    return np.fromfile(path, dtype=np.uint8)


@pytest.fixture(scope="module")
def assessment(samples, reference):
    return assess(samples, reference["bits_per_symbol"])


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
    assert assessment.alphabet_size < 256 and assessment.samples == reference["samples"]

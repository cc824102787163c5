"""Every P-value of the suite on a million bits of e equals NIST sts-2.1.2's to 1e-6.

reference/sts-2.1.2_e.json's ``p_values`` holds all 188 P-values to 17 digits (148
templates, 8 + 18 excursion states, both cumulative sums and both serial values); see
reference/README.md for where they come from and conftest.py for the input.
"""

import subprocess
from pathlib import Path

import pytest

from openentropy.pipelines.sp80022 import run_suite
from openentropy.pipelines import _native

TOLERANCE = 1e-6


def _compare(results, reference):
    expected = reference["p_values"]
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
    assert results[11].statistics["J"] == nist_reference["random_excursions_cycles"]


@pytest.mark.skipif(not _native.AVAILABLE, reason="native core not built: the first test already ran numpy")
def test_all_p_values_match_sts_without_the_native_core(e_bits, nist_reference, monkeypatch):
    monkeypatch.setattr(_native, "AVAILABLE", False)
    monkeypatch.setattr(_native, "lib", None)
    monkeypatch.setattr(_native, "ffi", None)
    _compare(run_suite(e_bits), nist_reference)


def test_reference_files_are_in_the_repository_with_their_provenance(nist_reference, ea_reference):
    for reference in (nist_reference, ea_reference):
        provenance = reference["provenance"]
        assert {"tool", "source", "commit"} <= set(provenance) and len(provenance["commit"]) == 40
        assert "run" in provenance or "command" in provenance
        assert len(reference["input"]["sha256"]) == 64


def test_nothing_reads_the_shared_folder_beside_the_repository():
    """A fresh clone has no shared folder beside it: no tracked file may name one."""
    repo = Path(__file__).resolve().parents[2]
    if not (repo / ".git").exists():
        pytest.skip("not a git checkout")
    patterns = ["shared" + "/reference", ".." + "/shared"]  # split, so this file does not match itself
    found = subprocess.run(["git", "grep", "-n", "-F", *[arg for p in patterns for arg in ("-e", p)]],
                           cwd=repo, capture_output=True, text=True)
    assert found.returncode == 1 and found.stdout == "", found.stdout

"""Every P-value of the suite on a million bits of e equals NIST sts-2.1.2's to 1e-6.

The reference (sts-e.json) and the generator of its input (make_inputs.py) live in the
read-only shared folder, ../shared/reference/nist next to the repository root. In a git
worktree the repository root is also taken to be the main checkout's, which the
worktree's ``.git`` file names (``gitdir: <main>/.git/worktrees/<name>``).
"""

import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from openentropy.pipelines.sp80022 import run_suite, unpack_bits
from openentropy.sources import _native

REPO = Path(__file__).resolve().parents[2]
TOLERANCE = 1e-6


def _repo_roots() -> list[Path]:
    roots = [REPO]
    dot_git = REPO / ".git"
    if dot_git.is_file() and dot_git.read_text().startswith("gitdir:"):
        worktree_dir = Path(dot_git.read_text().split(":", 1)[1].strip())
        roots.append(worktree_dir.parent.parent.parent)  # <main>/.git/worktrees/<name> -> <main>
    return roots


CANDIDATES = [root.parent / "shared" / "reference" / "nist" for root in _repo_roots()]
REFERENCE = next((c for c in CANDIDATES if (c / "sts-e.json").is_file()), CANDIDATES[0])


@pytest.fixture(scope="module")
def reference() -> dict:
    path = REFERENCE / "sts-e.json"
    if not path.is_file() or not (REFERENCE / "make_inputs.py").is_file():
        pytest.fail(
            f"NIST reference data missing: expected sts-e.json and make_inputs.py in one of "
            f"{', '.join(map(str, CANDIDATES))} "
            "(the shared folder sits beside the repository root, ../shared/reference/nist)"
        )
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def e_bits(reference, tmp_path_factory):
    spec = importlib.util.spec_from_file_location("nist_make_inputs", REFERENCE / "make_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path_factory.mktemp("nist") / "e.bin"
    out.write_bytes(module.gen_e())
    data = out.read_bytes()
    assert hashlib.sha256(data).hexdigest() == reference["sha256"], "regenerated e.bin differs from the reference input"
    bits = unpack_bits(data)
    assert bits.size == reference["n_bits"]
    return bits


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


def test_all_p_values_match_sts(e_bits, reference):
    results = run_suite(e_bits)
    _compare(results, reference)
    assert sum(len(r.p_values) for r in results) == 188
    assert results[11].statistics["J"] == reference["random_excursions"]["J_cycles"]


@pytest.mark.skipif(not _native.AVAILABLE, reason="native core not built: the first test already ran numpy")
def test_all_p_values_match_sts_without_the_native_core(e_bits, reference, monkeypatch):
    monkeypatch.setattr(_native, "AVAILABLE", False)
    monkeypatch.setattr(_native, "lib", None)
    monkeypatch.setattr(_native, "ffi", None)
    _compare(run_suite(e_bits), reference)

"""``oe assess`` as one SP 800-90B dossier: IID track, non-IID track when needed, restart
test, and a report stating the claim, every figure, the tool version and the input's SHA-256.

Small inputs (20,000 samples; a 1000 x 1000 restart matrix) keep it fast; the figures
themselves are checked against NIST's tools in tests/pipelines.
"""

import hashlib
import json

import numpy as np
from click.testing import CliRunner

from openentropy import __version__
from openentropy.shell.assess_command import assess_command


def run(*args):
    result = CliRunner().invoke(assess_command, list(args), catch_exceptions=False)
    return result


def _write(path, data: np.ndarray) -> str:
    path.write_bytes(data.astype(np.uint8).tobytes())
    return str(path)


def _sticky(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = rng.integers(0, 16, n)
    keep = rng.random(n) < 0.7
    for i in range(1, n):
        if keep[i]:
            out[i] = out[i - 1]
    return out


def test_iid_data_claim_the_mcv_figure_and_the_report_has_every_figure(tmp_path):
    data = np.random.default_rng(1).integers(0, 16, 20_000)
    path = _write(tmp_path / "nibbles.bin", data)
    base = str(tmp_path / "dossier")
    result = run("--file", path, "--bits", "4", "--shuffles", "2000", "--seed", "3", "--report", base,
                 "--format", "markdown", "--format", "json", "--format", "html", "--non-iid")
    assert result.exit_code == 0, result.output
    dossier = json.loads((tmp_path / "dossier.json").read_text())
    assert dossier["input"]["sha256"] == hashlib.sha256(data.astype(np.uint8).tobytes()).hexdigest()
    assert dossier["tool"] == {"name": "openentropy", "version": __version__, "seed": 3, "shuffles": 2000}
    assert dossier["iid"]["passed"] and dossier["claim"]["track"] == "iid"
    assert dossier["claim"]["min_entropy"] == dossier["iid"]["min_entropy"]
    assert len(dossier["iid"]["permutation"]["statistics"]) == 19
    assert dossier["non_iid"] is not None  # --non-iid: shown beside the IID figure
    markdown = (tmp_path / "dossier.md").read_text()
    assert f"**Claim: {dossier['claim']['min_entropy']:.6f} bits" in markdown
    assert dossier["input"]["sha256"] in markdown and "covariance(32)" in markdown
    assert "<table>" in (tmp_path / "dossier.html").read_text()


def test_rejected_data_fall_back_to_the_non_iid_track(tmp_path):
    path = _write(tmp_path / "sticky.bin", _sticky(20_000, 2))
    result = run("--file", path, "--bits", "4", "--shuffles", "300", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    dossier = report["dossier"]
    assert not dossier["iid"]["passed"] and dossier["claim"]["track"] == "non-iid"
    assert report["min_entropy"] == dossier["non_iid"]["min_entropy"] < dossier["iid"]["min_entropy"]
    assert "LZ78Y" in report["estimators"]


def test_iid_data_skip_the_non_iid_track_by_default(tmp_path):
    path = _write(tmp_path / "nibbles.bin", np.random.default_rng(4).integers(0, 16, 20_000))
    report = json.loads(run("--file", path, "--bits", "4", "--shuffles", "2000", "--json").output)
    assert report["dossier"]["non_iid"] is None and "estimators" not in report
    assert report["dossier"]["iid"]["passed"]


def test_same_seed_same_dossier(tmp_path):
    path = _write(tmp_path / "nibbles.bin", np.random.default_rng(5).integers(0, 16, 5_000))
    a, b = (json.loads(run("--file", path, "--bits", "4", "--seed", "9", "--json").output)
            for _ in "ab")
    assert a["dossier"]["iid"]["permutation"] == b["dossier"]["iid"]["permutation"]


def test_restart_alone_and_beside_an_assessment(tmp_path):
    restarts = _write(tmp_path / "restarts.bin", np.random.default_rng(6).integers(0, 16, 1_000_000))
    alone = run("--restart", restarts, "--bits", "4", "--h-initial", "3.5", "--json")
    assert alone.exit_code == 0, alone.output
    figures = json.loads(alone.output)["restart"]
    assert figures["sanity_passed"] and figures["validation_passed"] and figures["min_entropy"] == 3.5
    assert run("--restart", restarts, "--bits", "4").exit_code == 2  # H_I is required alone
    # data the IID tests reject: the claim is the non-IID track's, and the restart test
    # runs the non-IID estimators on rows and columns (with IID data it would also
    # permutation-test both, minutes of work: see restart.py)
    path = _write(tmp_path / "sticky.bin", _sticky(20_000, 7))
    report = json.loads(run("--file", path, "--bits", "4", "--shuffles", "300", "--restart", restarts,
                            "--json").output)
    dossier = report["dossier"]
    assert dossier["claim"]["track"] == "non-iid" and "IID tests" not in dossier["restart"]["rows"]
    assert dossier["restart"]["h_initial"] == dossier["non_iid"]["min_entropy"]
    assert dossier["claim"]["min_entropy"] == min(dossier["non_iid"]["min_entropy"], dossier["restart"]["h_r"],
                                                  dossier["restart"]["h_c"])


def test_a_failed_restart_test_rejects_the_source(tmp_path):
    matrix = np.random.default_rng(8).integers(0, 16, (1000, 1000))
    matrix[:, 0] = 3  # every restart starts in the same state
    restarts = _write(tmp_path / "restarts.bin", matrix.ravel())
    path = _write(tmp_path / "nibbles.bin", np.random.default_rng(9).integers(0, 16, 20_000))
    report = json.loads(run("--file", path, "--bits", "4", "--shuffles", "60",
                            "--restart", restarts, "--json").output)
    assert not report["dossier"]["restart"]["sanity_passed"]
    assert report["min_entropy"] == 0.0 and "restart test failed" in report["dossier"]["claim"]["reason"]
    bad = _write(tmp_path / "short.bin", np.zeros(5000))
    assert run("--restart", bad, "--h-initial", "1").exit_code == 2


def test_restarts_need_a_source():
    result = run("--restarts", "5", "--file", "x.bin")
    assert result.exit_code == 2 and "--restarts collects restart data from --source" in result.output

"""scan / probe / bench measurements, on real and on test sources."""

import json
import subprocess
import sys

import numpy as np
import pytest

from openentropy.errors import ProfileError
from openentropy.engine.measure import (
    BenchRow,
    bench_source,
    grade,
    lag1_autocorrelation,
    probe_source,
    rank,
    scan_sources,
)

OE = [sys.executable, "-m", "openentropy.shell"]


def test_grades():
    assert [grade(h) for h in (7.9, 5, 3, 1.5, 0.2)] == ["A", "B", "C", "D", "F"]
    assert grade(7.9, autocorrelation=0.5) == "D" and grade(0.5, autocorrelation=0.5) == "F"


def test_lag1_autocorrelation():
    assert lag1_autocorrelation(np.arange(100)) == pytest.approx(1.0)
    assert lag1_autocorrelation(np.array([0, 255] * 50)) == pytest.approx(-1.0)
    assert lag1_autocorrelation(np.zeros(10)) == 0.0
    rng = np.random.default_rng(3)
    assert abs(lag1_autocorrelation(rng.integers(0, 256, 100_000))) < 0.02


def test_scan_covers_every_source_with_reasons():
    rows = {row.name: row for row in scan_sources()}
    assert rows["os_random"].available and not rows["os_random"].physical
    assert all(row.available or row.reason for row in rows.values())
    assert rows["clock_jitter"].native  # the dev install builds the core


def test_scan_reports_missing_hardware():
    (row,) = scan_sources(["oe_test_sources:MissingHardwareSource"])
    assert not row.available and row.reason == "no /dev/fake device"


def test_probe_os_random_grades_a():
    result = probe_source("os_random", samples=1_000_000)
    assert result.status == "ok" and result.bytes == 1_000_000
    # SP 800-90B's predictors and bitstring pass are conservative on perfect bytes: 6.6-7.4
    # at 1e6 samples here (as low as 6.06 at 2e5, so 2e5 samples cannot promise grade A)
    assert result.min_entropy > 6.0 and result.mcv > 7.5 and result.shannon > 7.99 and result.grade == "A"
    assert result.samples_per_s > 0 and abs(result.autocorrelation) < 0.02


def test_probe_reports_failures_without_raising():
    failed = probe_source("oe_test_sources:FailingSource")
    assert failed.status == "failed" and "sensor on fire" in failed.error and failed.grade == "F"
    missing = probe_source("oe_test_sources:MissingHardwareSource")
    assert missing.status == "unavailable" and missing.error == "no /dev/fake device"


def test_probe_bad_input_is_a_profile_error():
    with pytest.raises(ProfileError, match="is not a known source"):
        probe_source("nope")
    with pytest.raises(ProfileError, match="params.backend"):
        probe_source("clock_jitter", params={"backend": "gpu"})


def test_bench_medians_and_ranking():
    row = bench_source("oe_test_sources:CountingSource", rounds=3, warmup=1, samples=4096)
    assert row.rounds == 3 and row.failures == 0 and row.p99_collect_s > 0
    # a counter looks perfect to Shannon (every byte equally often) but the SP 800-90B
    # predictors see through it: this is why probe/bench report the 90B figure
    assert row.shannon == pytest.approx(8.0) and row.min_entropy < 0.5 and row.grade == "F"
    good = bench_source("os_random", rounds=2, warmup=0, samples=20_000)
    assert good.min_entropy > 5 and good.stability > 0.8  # 20k samples: 90B bounds are wide
    failing = bench_source("oe_test_sources:FailingSource", rounds=2, warmup=0)
    assert failing.failures == 2 and failing.grade == "F" and "sensor on fire" in failing.error
    slow = BenchRow("slow", 1, 0, 7.0, 8.0, 10.0, 10.0, 0.1, 1.0, "A")
    fast = BenchRow("fast", 1, 0, 2.0, 3.0, 1e6, 1e6, 0.1, 1.0, "C")
    assert [r.name for r in rank([slow, fast], "min_entropy")] == ["slow", "fast"]
    assert [r.name for r in rank([slow, fast], "throughput")] == ["fast", "slow"]
    assert [r.name for r in rank([slow, fast], "balanced")] == ["fast", "slow"]  # 2e6 vs 70 bits/s


def test_cli_scan_probe_bench_json(tmp_path):
    scan = json.loads(subprocess.run([*OE, "scan", "--json"], capture_output=True, timeout=120).stdout)
    assert scan["native_core"] is True and {"clock_jitter", "os_random"} <= {s["name"] for s in scan["sources"]}
    probe = subprocess.run([*OE, "probe", "os_random", "--samples", "1000000", "--json"], capture_output=True, timeout=120)
    assert probe.returncode == 0 and json.loads(probe.stdout)["grade"] == "A"
    out = tmp_path / "bench.json"
    bench = subprocess.run([*OE, "bench", "os_random", "clock_jitter", "--rounds", "2", "--rank-by", "min_entropy",
                            "--json", "--output", str(out)], capture_output=True, timeout=120)
    assert bench.returncode == 0
    results = json.loads(bench.stdout)["results"]
    assert [r["name"] for r in results][0] == "os_random" and json.loads(out.read_text()) == json.loads(bench.stdout)
    table = subprocess.run([*OE, "bench", "os_random", "--rounds", "1"], capture_output=True, timeout=120)
    assert table.returncode == 0 and b"os_random" in table.stdout
    nothing = subprocess.run([*OE, "bench"], capture_output=True, timeout=120)
    assert nothing.returncode == 2 and b"--all" in nothing.stderr


def test_cli_probe_unknown_source_exits_2():
    result = subprocess.run([*OE, "probe", "clok_jitter"], capture_output=True, timeout=120)
    assert result.returncode == 2 and b"did you mean 'clock_jitter'" in result.stderr and b"Traceback" not in result.stderr

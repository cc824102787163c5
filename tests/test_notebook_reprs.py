"""Notebook reprs: each result renders as an HTML table holding its numbers and verdicts."""

import os

import numpy as np

from openentropy.engine.loader import load_profile
from openentropy.engine.measure import BenchRow, ProbeResult
from openentropy.engine.outcome import RoundResult, SourceRound, Status
from openentropy.engine.status import PoolStatus, SourceState
from openentropy.pipelines.battery.result import BatteryResult
from openentropy.pipelines.battery.suite import BatteryReport, run_battery
from openentropy.pipelines.estimators import assess
from openentropy.pipelines.html_table import FAIL_STYLE, PASS_STYLE, table
from openentropy.pipelines.sp80022 import run_suite, unpack_bits
from openentropy.pipelines.sp80022.result import make_result
from openentropy.pipelines.sp80022.result_table import ResultTable


def test_cells_are_escaped_and_numbers_formatted():
    html = table(["a<b"], [["<script>"], [1234567], [0.5]], caption="x&y")
    assert "<script>" not in html and "&lt;script&gt;" in html and "a&lt;b" in html and "x&amp;y" in html
    assert "1,234,567" in html and "0.500" in html


def test_pool_status_shows_the_ledger_and_each_sources_health():
    status = PoolStatus(
        mode="drbg",
        sources=(
            SourceState("clock_jitter", 1.0, healthy=True, health="healthy", last_min_entropy=5.4321, credited_bits=812.0),
            SourceState("disk_io", 2.0, health="quarantined", health_failures=3, last_health_failure="RCT at t"),
        ),
        buffered_bytes=10, mixed_bytes=4096, credited_bits=2657.0, drawn_bits=640.0, balance_bits=2017.0,
        bits_out=800, output_bytes=100, blocks=2, drbg_reseeds=1,
    )
    html = status._repr_html_()
    assert "2,017" in html and "2,657" in html and "5.432" in html and "RCT at t" in html
    assert f"{PASS_STYLE}\">healthy" in html and f"{FAIL_STYLE}\">quarantined" in html
    assert repr(status) == "<PoolStatus mode=drbg sources=1/2 healthy balance=2017 bits credited=2657 bits output=100 B>"


def test_round_result_colours_each_source_by_status():
    result = RoundResult(7, 0.0315, 4096, (
        SourceRound("clock_jitter", Status.OK, 2048, 2048, 0.01, min_entropy=6.25, credited_bits=300.5),
        SourceRound("disk_io", Status.LATE, 0, 0, 0.2, error="missed its deadline"),
    ))
    html = result._repr_html_()
    assert "round 7: 4,096 bytes out in 31.5 ms" in html and "6.250" in html and "300.5" in html
    assert f"{PASS_STYLE}\">ok" in html and f"{FAIL_STYLE}\">late" in html and "missed its deadline" in html
    assert repr(result) == "<RoundResult #7 31.5 ms out=4096 B sources ok=1/2>"


def test_probe_and_bench_rows_show_grade_and_rates():
    probe = ProbeResult("clock_jitter", "ok", "", True, 20000, 0.05, 400000.0, 20000, 400000.0, 7.9, 6.125, 0.0123, "B", 6.5)
    html = probe._repr_html_()
    assert "6.125" in html and "400,000" in html and "0.0123" in html and f"{PASS_STYLE}\">B" in html
    bench = BenchRow("disk_io", 5, 2, 1.5, 3.0, 1000.0, 500.0, 0.02, 0.9, "F")
    html = bench._repr_html_()
    assert "750" in html and f"{FAIL_STYLE}\">2" in html and f"{FAIL_STYLE}\">F" in html  # rate: 1.5 x 500


def test_battery_report_has_the_grade_and_all_tests():
    report = run_battery(os.urandom(100_000))
    html = report._repr_html_()
    assert f"{report.score:.1f}" in html and html.count("<tr>") == 3 + len(report.results)
    failing = BatteryReport((BatteryResult("monobit", "frequency", False, 0.0001, 3.9, "D", "biased"),), 25.0, "D", 0)
    assert f"{FAIL_STYLE}\">FAIL" in failing._repr_html_() and "0.0001" in failing._repr_html_()
    assert "failed=1" in repr(failing)


def test_sp80022_table_has_a_row_per_p_value():
    results = ResultTable(run_suite(unpack_bits(np.random.default_rng(5).bytes(125_000))))
    html = results._repr_html_()
    assert html.count("<tr>") == 1 + sum(len(r.p_values) or 1 for r in results)
    assert f"{results[0].p_values[0]:.6f}" in html and repr(results).startswith("<SP 800-22: ")
    bad = make_result("Frequency", [0.001])
    assert f"{FAIL_STYLE}\">FAIL" in bad._repr_html_() and "0.001000" in bad._repr_html_()
    assert ResultTable([bad]).failed == 1


def test_assessment_shows_every_estimator_and_the_bound():
    samples = np.random.default_rng(3).integers(0, 256, 20_000, dtype=np.uint8)
    result = assess(samples, 8)
    html = result._repr_html_()
    assert f"{result.min_entropy:.4f}" in html and "sets the bound" in html
    for name, estimate in result.original.items():
        assert name in html and (estimate.h is None or f"{estimate.h:.4f}" in html)
    assert repr(result).startswith(f"<Assessment min_entropy={result.min_entropy:.4f}")


def test_profile_shows_pool_and_sources():
    html = load_profile("fast")._repr_html_()
    assert "profile fast" in html and "drbg" in html and "futex_pingpong" in html and ">50<" in html

"""oe report: inputs, verdicts against thresholds, and the four report formats."""

import json
import subprocess
import sys
from xml.etree import ElementTree

import numpy as np

from openentropy.engine.loader import load_profile
from openentropy.engine.report import ReportInput, build_report, file_input, gather_profile_inputs, record_inputs
from openentropy.engine.report_formats import write_reports
from openentropy.engine.report_spec import ReportSpec

OE = [sys.executable, "-m", "openentropy.shell"]
GOOD = np.random.default_rng(42).integers(0, 256, 1 << 17).astype(np.uint8)
BAD = np.zeros(1 << 17, np.uint8)


def test_verdict_gates_only_the_pool_output():
    report = build_report("t", [ReportInput("raw", "source", BAD), ReportInput("pool", "pool", GOOD)], min_entropy=False)
    assert report.verdict(ReportSpec(min_grade="C", min_passed=20)) == []
    assert report.items[0].battery.grade == "F"  # shown, not gated
    failing = build_report("t", [ReportInput("pool", "pool", BAD)], min_entropy=False)
    problems = failing.verdict(ReportSpec(min_grade="C", min_passed=28))
    assert any("battery grade F is below C" in p for p in problems) and any("of 31 battery tests passed" in p for p in problems)


def test_progress_hears_every_collection_and_every_test():
    from openentropy.engine.loader import load_profile_text

    profile = load_profile_text(
        "name: tiny\nsources: [{name: os_random}, {name: clock_jitter}]\n"
        "report: {source_bytes: 2048, pool_bytes: 1024}\n", "tiny.yaml")
    heard = []
    inputs = gather_profile_inputs(profile, heard.append)
    build_report("t", inputs, min_entropy=False, progress=heard.append)
    assert heard == [
        "report: collecting os_random (1 of 2)", "report: collecting clock_jitter (2 of 2)",
        "report: collecting 1,024 bytes of pool output",
        "report: testing os_random (1 of 3)", "report: testing clock_jitter (2 of 3)",
        f"report: testing {inputs[2].label} (3 of 3)",
    ]
    assert [len(i.data) for i in inputs] == [2048, 2048, 1024]


def test_files_are_gated_when_there_is_no_pool(tmp_path):
    path = tmp_path / "zeros.bin"
    path.write_bytes(BAD.tobytes())
    report = build_report("t", [file_input(str(path))], nist=True, min_entropy=True)
    item = report.items[0]
    assert item.assessment.min_entropy == 0 and len(item.nist) == 15
    assert report.verdict(ReportSpec()) != []


def test_four_formats_are_well_formed(tmp_path):
    report = build_report("title", [ReportInput("raw", "source", BAD), ReportInput("pool", "pool", GOOD)],
                          nist=True, min_entropy=True)
    problems = report.verdict(ReportSpec())
    paths = write_reports(report, problems, ["markdown", "json", "html", "junit"], tmp_path)
    assert sorted(p.name for p in paths) == ["report.html", "report.json", "report.junit.xml", "report.md"]
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["passed"] is True and [i["kind"] for i in data["inputs"]] == ["source", "pool"]
    assert len(data["inputs"][1]["battery"]["tests"]) == 31 and len(data["inputs"][1]["sp800_22"]) == 15
    assert "**Verdict: PASS**" in (tmp_path / "report.md").read_text()
    assert (tmp_path / "report.html").read_text().startswith("<!doctype html>")
    suites = ElementTree.parse(tmp_path / "report.junit.xml").getroot()
    raw, pool = list(suites)
    assert raw.get("failures") == "0" and int(raw.get("skipped")) > 20  # raw failures shown as not gated
    assert int(pool.get("tests")) == 46


def test_recordings_keep_every_input(tmp_path):
    paths = record_inputs([ReportInput("pool (sha256)", "pool", GOOD)], tmp_path)
    assert paths[0].name == "pool-pool__sha256.bin" and paths[0].read_bytes() == GOOD.tobytes()


def test_report_profile_is_shipped_and_gates():
    p = load_profile("report")
    assert p.report.nist and p.report.min_grade == "C" and p.report.min_passed == 28
    assert [s.name for s in p.sources] == [s.name for s in load_profile("default").sources]


def test_cli_report_exit_codes_and_files(tmp_path, write_profile):
    good, bad = tmp_path / "good.bin", tmp_path / "bad.bin"
    good.write_bytes(GOOD.tobytes())
    bad.write_bytes(BAD.tobytes())
    out = tmp_path / "out"
    passed = subprocess.run([*OE, "report", "--file", str(good), "--output", str(out), "--format", "junit"],
                            capture_output=True, timeout=300)
    assert passed.returncode == 0, passed.stderr
    assert (out / "report.junit.xml").exists() and b"PASS" in passed.stdout
    failed = subprocess.run([*OE, "report", "--file", str(bad), "--output", str(out)], capture_output=True, timeout=300)
    assert failed.returncode == 1 and b"below threshold" in failed.stdout
    both = subprocess.run([*OE, "report", "default", "--file", str(good)], capture_output=True, timeout=60)
    assert both.returncode == 2


def test_cli_report_on_a_small_profile(tmp_path, write_profile):
    path = write_profile(
        "name: small\nsources:\n  - {name: os_random, samples: 4096}\n  - {name: clock_jitter, samples: 8192}\n"
        "sinks: [{type: 'null'}]\n"
        f"report: {{source_bytes: 16384, pool_bytes: 131072, formats: [json], output: '{tmp_path / 'r'}'}}\n"
    )
    result = subprocess.run([*OE, "report", str(path)], capture_output=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "r" / "report.json").read_text())
    assert [i["input"] for i in data["inputs"]] == ["os_random", "clock_jitter", "pool (sha256)"]
    assert (tmp_path / "r" / "recordings" / "source-clock_jitter.bin").stat().st_size == 16384

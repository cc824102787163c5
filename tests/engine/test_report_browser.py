"""The HTML report in a real headless browser: it loads with no console message, needs no
network, and a screenshot shows it (Chromium from Debian's packages; .ci/run installs it)."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest

from openentropy.engine.report import ReportInput, build_report
from openentropy.engine.report_formats import write_reports

#: A first page load and screenshot take ~2 s here; 120 s leaves room for a loaded machine.
BROWSER_TIMEOUT_S = 120


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("no chromium on PATH: apt-get install chromium (as .ci/run does)")
    return path


def load(page, tmp_path):
    """Open ``page`` in headless Chromium; returns (console lines, screenshot path)."""
    shot = tmp_path / f"{page.stem}.png"
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2400", f"--screenshot={shot}",
         page.as_uri()],
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT_S, env={**os.environ, "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    return console, shot


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    rng = np.random.default_rng(22)
    inputs = [ReportInput("pool (drbg)", "pool", rng.integers(0, 256, 65_536, dtype=np.uint8)),
              ReportInput("stuck.bin", "file", np.zeros(8192, np.uint8), "a stuck input")]
    report = build_report("openentropy report", inputs, nist=True)
    folder = tmp_path_factory.mktemp("report")
    return write_reports(report, ["stuck.bin: grade F"], ["html"], folder)[0]


def test_report_page_loads_without_console_messages_and_is_screenshot(page, tmp_path):
    console, shot = load(page, tmp_path)
    assert console == []
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == 1200 and len(png) > 20_000


def test_the_console_check_sees_an_error(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><p>x</p><script>console.error('marker-7')</script>")
    console, _ = load(bad, tmp_path)
    assert any("marker-7" in line for line in console)


def test_report_page_is_self_contained_verdict_first_tables_collapsed(page):
    text = page.read_text()
    assert not re.search(r"(src|href)=[\"']?(https?:)?//", text)  # nothing fetched from a network
    assert text.index("Verdict: FAIL") < text.index(">summary<") < text.index("<img") < text.index("<details>")
    assert text.count("data:image/png;base64,") == 1 + 4 + 4  # entropy bars; 4 plots per input
    assert text.count("<summary>31-test battery") == 2 and text.count("<summary>SP 800-22") == 2
    assert "a stuck input" in text and "stuck.bin: grade F" in text

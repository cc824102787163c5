"""``oe assess --file`` reads at most ``--max-bytes`` and says when it stopped early.

Files of zero bytes keep these tests fast: one symbol value means no estimator runs
(SP 800-90B awards such input no entropy), so only the reading is measured.
"""

import json
import resource
import subprocess
import sys

OE = [sys.executable, "-m", "openentropy.shell"]

#: address-space cap for the child: far above what assessing 1e6 bytes needs, far
#: below what reading /dev/zero to its end would take (it never ends)
_MEMORY_CAP = 4 << 30


def _capped_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_CAP, _MEMORY_CAP))


def oe(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*OE, *args], capture_output=True, text=True, timeout=120, preexec_fn=_capped_memory)


def _zeros(path, size: int):
    with open(path, "wb") as handle:
        handle.truncate(size)
    return str(path)


def test_dev_zero_stops_at_the_default_of_one_million_samples():
    result = oe("assess", "--file", "/dev/zero", "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["samples"] == 1_000_000
    assert report["truncated"] is True and report["max_bytes"] == 1_000_000


def test_max_bytes_caps_the_read_and_the_report_says_so(tmp_path):
    path = _zeros(tmp_path / "zeros.bin", 50_000)
    result = oe("assess", "--file", path, "--max-bytes", "20000", "--bits", "4")
    assert result.returncode == 0, result.stderr
    assert "20,000 samples" in result.stdout
    assert "only the first 20,000 bytes" in result.stdout and "--max-bytes" in result.stdout
    report = json.loads(oe("assess", "--file", path, "--max-bytes", "20000", "--json").stdout)
    assert (report["samples"], report["truncated"], report["max_bytes"]) == (20_000, True, 20_000)


def test_a_file_within_the_cap_is_read_whole_and_not_called_truncated(tmp_path):
    path = _zeros(tmp_path / "zeros.bin", 20_000)
    result = oe("assess", "--file", path, "--max-bytes", "20000")
    assert result.returncode == 0 and "20,000 samples" in result.stdout
    assert "only the first" not in result.stdout
    assert json.loads(oe("assess", "--file", path, "--json").stdout)["truncated"] is False


def test_max_bytes_below_the_estimators_minimum_is_a_usage_error(tmp_path):
    result = oe("assess", "--file", _zeros(tmp_path / "z.bin", 5000), "--max-bytes", "999")
    assert result.returncode == 2 and "--max-bytes" in result.stderr and "Traceback" not in result.stderr


def test_max_bytes_beyond_memory_is_a_usage_error():
    result = oe("assess", "--file", "/dev/zero", "--max-bytes", str(10**12))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "1,000,000,000,000 bytes do not fit in memory" in result.stderr


def test_help_describes_max_bytes():
    text = " ".join(oe("assess", "--help").stdout.split())
    assert "--max-bytes" in text and "1000000" in text and "one sample per byte" in text

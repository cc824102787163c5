"""``oe run`` into a full disk: a clear error, exit 1, the data kept, and a summary that
counts exactly the bytes on disk (the round that hit the wall wrote part of its bytes).

Two ways to fill a disk: a 64 KiB tmpfs (needs root to mount; skipped otherwise), and a
file-size limit (RLIMIT_FSIZE), which any user may set for a child process: past it
write() accepts what fits, then fails with EFBIG, exactly as a full disk fails with
ENOSPC. Python ignores SIGXFSZ, so the process sees the error rather than dying.
"""

import json
import os
import resource
import shutil
import subprocess
import sys

import pytest

OE = [sys.executable, "-m", "openentropy.shell"]

#: rounds of 10,000 bytes do not divide a 64 KiB disk: the last round writes in part
PROFILE = """name: fill
sources: [{{name: os_random, samples: 4096}}]
sinks: [{sink}]
run: {{bytes_per_round: 10000, rounds: 40}}
"""


def _summary(text: str) -> dict:
    """The JSON summary among the error lines."""
    return json.loads(text[text.index("{\n") :])


def _run(profile, *, stdout=subprocess.PIPE, file_size: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return subprocess.run([*OE, "run", str(profile), "--json"], stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=120, preexec_fn=limit if file_size else None)


def _assert_clear_failure(result: subprocess.CompletedProcess, reason: str) -> None:
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert f"cannot write: {reason}" in result.stderr and "written and kept" in result.stderr


@pytest.fixture
def full_disk(tmp_path):
    """A mounted 64 KiB tmpfs, unmounted afterwards."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a 64 KiB tmpfs needs root and mount(8); the RLIMIT_FSIZE tests cover a full disk")
    folder = tmp_path / "full"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_file_sink_on_a_full_tmpfs(full_disk, write_profile):
    out = full_disk / "out.bin"
    result = _run(write_profile(PROFILE.format(sink=f"{{type: file, path: '{out}'}}")))
    _assert_clear_failure(result, "No space left on device")
    summary = _summary(result.stdout)
    assert summary["stopped_by"] == "sink error"
    assert summary["bytes_out"] == out.stat().st_size > 60_000
    assert f"{summary['bytes_out']:,} bytes written and kept" in result.stderr


def test_stdout_redirected_to_a_full_tmpfs(full_disk, write_profile):
    out = full_disk / "out.bin"
    with open(out, "wb") as handle:
        result = _run(write_profile(PROFILE.format(sink="{type: stdout, format: raw}")), stdout=handle)
    _assert_clear_failure(result, "No space left on device")
    assert _summary(result.stderr)["bytes_out"] == out.stat().st_size > 60_000


@pytest.mark.parametrize("size", [50_000, 65_536])
def test_file_sink_past_the_file_size_limit(tmp_path, write_profile, size):
    out = tmp_path / "out.bin"
    out.write_bytes(b"kept")  # appended to, never truncated
    result = _run(write_profile(PROFILE.format(sink=f"{{type: file, path: '{out}'}}")), file_size=size)
    _assert_clear_failure(result, "File too large")
    assert out.stat().st_size == size and out.read_bytes()[:4] == b"kept"
    assert _summary(result.stdout)["bytes_out"] == size - 4


def test_hex_sink_counts_the_pool_bytes_whose_digits_are_on_disk(tmp_path, write_profile):
    out = tmp_path / "out.hex"
    result = _run(write_profile(PROFILE.format(sink=f"{{type: file, path: '{out}', format: hex}}")), file_size=50_000)
    _assert_clear_failure(result, "File too large")
    digits = "".join(out.read_text().split())
    assert _summary(result.stdout)["bytes_out"] == len(digits) // 2 == 24_615  # 769 lines of 32, then 7

"""``oe stream``: exact byte counts in every format, sources conditioned directly, the
rate limit, and quiet endings (a closed pipe, Ctrl-C, SIGTERM).

Options and formats run in-process (click's runner); whatever needs a real pipe or a
real signal runs ``oe`` as a subprocess, with timeouts.
"""

import base64
import hashlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from openentropy.shell.cli import oe as oe_group

OE = [sys.executable, "-m", "openentropy.shell"]
SUPPORT = str(Path(__file__).parents[1] / "support")
COUNTING = "oe_test_sources:CountingSource"  # 4096 samples a collect: (167 i + 13) mod 256


def stream(*args):
    return CliRunner().invoke(oe_group, ["stream", *args], catch_exceptions=False)


def counting_collect() -> bytes:
    return ((np.arange(4096, dtype=np.uint64) * 167 + 13) % 256).astype(np.uint8).tobytes()


def von_neumann(data: bytes) -> bytes:
    bits = [(byte >> (7 - k)) & 1 for byte in data for k in range(8)]
    kept = [a for a, b in zip(bits[::2], bits[1::2]) if a != b]
    return bytes(int("".join(map(str, kept[i : i + 8])), 2) for i in range(0, len(kept) // 8 * 8, 8))


def chained_sha256(data: bytes) -> bytes:
    state, out = bytes(32), b""
    for index, start in enumerate(range(0, len(data), 64)):
        state = hashlib.sha256(state + data[start : start + 64] + index.to_bytes(8, "little")).digest()
        out += state
    return out


@pytest.mark.parametrize("fmt", ["raw", "hex", "base64"])
def test_bytes_counts_pool_bytes_exactly_in_every_format(fmt):
    result = stream("fast", "--bytes", "1001", "--format", fmt)
    assert result.exit_code == 0, result.output
    out = result.stdout_bytes
    if fmt == "hex":
        assert all(len(line) <= 64 for line in out.splitlines())
        data = bytes.fromhex(out.decode())
    elif fmt == "base64":
        data = b"".join(base64.b64decode(line) for line in out.splitlines())
    else:
        data = out
    assert len(data) == 1001 and len(set(data)) > 200


@pytest.mark.parametrize(("conditioning", "finish"), [("raw", lambda d: d), ("vn", von_neumann),
                                                       ("von_neumann", von_neumann), ("sha256", chained_sha256)])
def test_sources_are_conditioned_directly_collect_after_collect(conditioning, finish):
    per_collect = finish(counting_collect())
    n = len(per_collect) + 100  # the stream goes on into a second collect, nothing dropped between
    result = stream("--source", COUNTING, "--conditioning", conditioning, "--bytes", str(n), "--format", "raw")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (per_collect * 2)[:n]


def test_sha256_is_the_default_conditioning_of_a_source_stream():
    result = stream("--source", COUNTING, "--bytes", "64", "--format", "raw")
    assert result.exit_code == 0 and result.stdout_bytes == chained_sha256(counting_collect())[:64]


def test_several_sources_are_read_in_turn():
    result = stream("--source", COUNTING, "--source", "os_random", "--conditioning", "raw",
                    "--bytes", str(3 * 4096), "--format", "raw")
    assert result.exit_code == 0, result.output
    out = result.stdout_bytes
    assert out[:4096] == counting_collect() and out[4096:8192] != counting_collect()


@pytest.mark.parametrize(("args", "message"), [
    (["fast", "--source", "os_random"], "not both"),
    (["fast", "--conditioning", "vn"], "--conditioning applies to --source"),
    (["--conditioning", "vn"], "--conditioning applies to --source"),
    (["--source", "jiter"], "'jiter' is not a known source"),
    (["--source", "os_random", "--rate", "0"], "--rate"),
    (["--source", "os_random", "--rate", "-5"], "--rate"),
    (["--source", "os_random", "--conditioning", "md5"], "--conditioning"),
    (["no_such_profile"], "no profile named 'no_such_profile'"),
])
def test_bad_options_exit_2_with_a_clear_message(args, message):
    result = stream(*args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_raw_stream_of_fast_through_a_real_pipe_looks_uniform():
    """A million bytes: the exact count, no repeated 32-byte block, and a chi-square on the
    byte values far below what even a poor generator would give (p ~ 1e-9 at 400, df 255)."""
    result = subprocess.run([*OE, "stream", "fast", "--bytes", "1000000"], capture_output=True, timeout=120)
    assert result.returncode == 0 and result.stderr == b""
    data = result.stdout
    assert len(data) == 1_000_000
    assert len({data[i : i + 32] for i in range(0, len(data), 32)}) == 31_250
    counts = Counter(data)
    expected = len(data) / 256
    assert sum((counts.get(v, 0) - expected) ** 2 / expected for v in range(256)) < 400


def test_a_closed_pipe_ends_the_stream_quietly_with_status_0():
    """``| head -c 100`` for a profile stream and for a source stream: status 0, nothing on stderr."""
    oe = " ".join(OE)
    script = (f"{oe} stream fast | head -c 100 > /dev/null; a=${{PIPESTATUS[0]}}; "
              f"{oe} stream --source os_random --format hex | head -c 100 > /dev/null; echo $a ${{PIPESTATUS[0]}}")
    result = subprocess.run(["bash", "-c", script], capture_output=True, timeout=120)
    assert result.stdout.split() == [b"0", b"0"] and result.stderr == b""


def read_for(process, seconds: float) -> tuple[int, float]:
    """(bytes read, seconds from the first byte to the last) reading ``process``'s stdout."""
    os.set_blocking(process.stdout.fileno(), False)
    total, first, last = 0, None, None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (first is None or time.monotonic() - first < seconds):
        chunk = process.stdout.read(65536)
        if chunk:
            now = time.monotonic()
            first = first or now
            last = now
            total += len(chunk)
        else:
            time.sleep(0.01)
    assert first is not None, "no output within 60 s"
    return total, last - first


def test_rate_is_respected_and_sigterm_stops_quietly_with_status_0():
    rate = 4000
    process = subprocess.Popen([*OE, "stream", "--source", "os_random", "--rate", str(rate), "--format", "raw"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        total, span = read_for(process, 3.0)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert span > 2.0
    # at most a quarter second's burst beyond the rate (plus a second of slack for a loaded
    # machine's delivery); at least a quarter of the rate: the source is far faster than that
    assert rate * span * 0.25 <= total <= rate * (span + 1.25)
    assert process.returncode == 0 and stderr == b""


def test_ctrl_c_stops_a_profile_stream_with_status_130_quietly():
    process = subprocess.Popen([*OE, "stream", "fast"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        read_for(process, 0.5)
    finally:
        process.send_signal(signal.SIGINT)
        # keep draining: a stopped round may still be writing into the pipe
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and b"Traceback" not in stderr and stderr == b""

"""``oe device PATH``: a named pipe served to one reader after another, as a user runs it.

The device runs as a subprocess (real signals, a real pipe); the test reads through a
non-blocking descriptor so no open or read can hang it. Every wait is bounded.
"""

import os
import signal
import stat
import subprocess
import sys
import time

from click.testing import CliRunner
from pipe_reading import read_exactly

from openentropy.shell.cli import oe as oe_group

OE = [sys.executable, "-m", "openentropy.shell"]
WAIT_S = 60
QUICK = "name: quick\nsources: [{name: os_random}]\nrun: {bytes_per_round: 4096}\n"


def wait_for_fifo(path, process) -> None:
    deadline = time.monotonic() + WAIT_S
    while not (path.exists() and stat.S_ISFIFO(os.stat(path).st_mode)):
        assert process.poll() is None, process.communicate(timeout=10)[1]
        assert time.monotonic() < deadline, "no named pipe appeared"
        time.sleep(0.05)


def read_from(path, n: int) -> bytes:
    """Connect as a reader, take ``n`` bytes, leave."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        return read_exactly(fd, n, WAIT_S)
    finally:
        os.close(fd)


def windows(data: bytes, width: int = 16) -> set[bytes]:
    return {data[i : i + width] for i in range(len(data) - width + 1)}


def test_serves_reader_after_reader_fresh_bytes_and_removes_its_pipe_on_sigterm(tmp_path, write_profile):
    path = tmp_path / "random"
    device = subprocess.Popen([*OE, "device", str(path), str(write_profile(QUICK))],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for_fifo(path, device)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        first = read_from(path, 1000)
        second = read_from(path, 1000)  # a new reader: the same harvest goes on
        assert windows(first).isdisjoint(windows(second)), "the second reader was served bytes again"
        assert len(set(second)) > 200
        time.sleep(0.2)  # the device is now waiting for a reader, or finding the last one gone
    finally:
        device.send_signal(signal.SIGTERM)
        stdout, stderr = device.communicate(timeout=WAIT_S)
    assert device.returncode == 0, stderr
    assert b"Traceback" not in stderr and stdout == b""
    assert not path.exists()


def test_an_existing_pipe_is_reused_and_left_and_ctrl_c_exits_130(tmp_path, write_profile):
    path = tmp_path / "theirs"
    os.mkfifo(path, 0o644)
    device = subprocess.Popen([*OE, "device", str(path), str(write_profile(QUICK)), "--format", "hex"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        text = read_from(path, 130)
    finally:
        device.send_signal(signal.SIGINT)
        _, stderr = device.communicate(timeout=WAIT_S)
    assert device.returncode == 130 and b"Traceback" not in stderr
    lines = text.split(b"\n")  # whole lines of 64 hex digits
    assert len(lines) == 3 and lines[2] == b"" and all(len(bytes.fromhex(line.decode())) == 32 for line in lines[:2])
    assert stat.S_ISFIFO(os.stat(path).st_mode) and stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_refuses_a_path_that_is_not_a_named_pipe(tmp_path):
    regular = tmp_path / "notes.txt"
    regular.write_text("keep me")
    for path in (regular, tmp_path, tmp_path / "missing" / "random"):
        result = CliRunner().invoke(oe_group, ["device", str(path), "fast"], catch_exceptions=False)
        assert result.exit_code == 2 and result.output.startswith("oe: error: fifo sink"), result.output
    assert "refusing to replace it" in CliRunner().invoke(oe_group, ["device", str(regular)]).output
    assert regular.read_text() == "keep me"

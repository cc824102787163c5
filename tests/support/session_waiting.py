"""Waiting, in tests, for a recording subprocess to write its chunks (bounded)."""

import time
from pathlib import Path

WAIT_S = 60


def wait_for_chunks(root: Path, count: int, process) -> Path:
    """The session folder under ``root`` once ``count`` complete chunks exist; the
    process is killed and the test fails if that takes over ``WAIT_S`` or it exits."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline and process.poll() is None:
        found = list(root.glob("*/chunks/[0-9]*.npz"))
        if len(found) >= count:
            return found[0].parents[1]
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"fewer than {count} chunks after {WAIT_S} s: {process.communicate()}")

"""Fixtures shared by the source tests."""

import subprocess
import sys

import pytest

#: A child that keeps allocating and dropping pages: its page-fault counts, resident size
#: and scheduler times change on every pass, so activity-driven sources have something
#: to observe even in a container whose other processes all sleep.
_BUSY_CHILD = "x = []\nwhile True:\n    x.append(bytearray(4096 * (len(x) % 64 + 1)))\n    x = x[-500:]\n"


@pytest.fixture
def busy_process():
    """A running busy child process for the length of one test; killed afterwards."""
    child = subprocess.Popen([sys.executable, "-c", _BUSY_CHILD])
    try:
        yield child
    finally:
        child.kill()
        child.wait()

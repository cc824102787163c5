"""Reading a named pipe in tests without hanging: a non-blocking descriptor and a bound."""

import os
import time


def read_exactly(fd: int, n: int, wait_s: float) -> bytes:
    """``n`` bytes from the non-blocking pipe ``fd``, waiting for them at most ``wait_s``
    seconds (an assertion error then says how many came)."""
    deadline = time.monotonic() + wait_s
    data = bytearray()
    while len(data) < n:
        assert time.monotonic() < deadline, f"only {len(data)} of {n} bytes came"
        try:
            chunk = os.read(fd, n - len(data))
        except BlockingIOError:
            chunk = b""
        if not chunk:  # nothing yet, or no writer yet
            time.sleep(0.01)
        data += chunk
    return bytes(data)

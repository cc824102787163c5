"""os_random: the kernel CSPRNG, as a reference to compare physical sources against.

It is not a physical noise source: the pool mixes its bytes but never credits them as
harvested entropy (``SourceInfo.physical`` is False).
"""

from __future__ import annotations

import os
import time

import numpy as np

from .base import Category, EntropySource, SourceInfo

#: Bytes per getrandom call between deadline checks (~20 us each at ~3 GB/s).
_CHUNK = 1 << 16


class OsRandom(EntropySource):
    info = SourceInfo(
        name="os_random",
        description="The operating system CSPRNG (getrandom(2)); a reference, not a physical source",
        physics=(
            "Output of the kernel's ChaCha20-based CSPRNG, itself seeded from interrupt "
            "timing, RDSEED and other inputs. Cryptographically strong, but its entropy "
            "was harvested by the kernel, not by openentropy, so it earns no credit."
        ),
        category=Category.REFERENCE,
        platforms=("linux", "macos", "windows"),
        requirements=(),
        entropy_rate_estimate=8.0e9,
        physical=False,
    )
    default_stages = ({"type": "raw"},)

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        out = bytearray()
        while len(out) < n and (not out or time.monotonic_ns() < deadline_ns):
            out += os.urandom(min(_CHUNK, n - len(out)))
        return np.frombuffer(bytes(out), dtype=np.uint8).copy()

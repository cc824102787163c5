"""os_random: the kernel CSPRNG, as a reference to compare physical sources against.

It is not a physical noise source: the pool mixes its bytes but never credits them as
harvested entropy (``SourceInfo.physical`` is False).
"""

from __future__ import annotations

import os

import numpy as np

from .base import Category, EntropySource, SourceInfo


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
        return np.frombuffer(os.urandom(n), dtype=np.uint8).copy()

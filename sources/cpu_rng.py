"""rdrand and rdseed: the x86 CPU's hardware RNG, as references (mixed, never credited).

Like ``os_random`` these are not noise sources that openentropy harvests: the CPU's
digital random number generator has already conditioned its entropy (AES-CBC-MAC) and,
for rdrand, expanded it with a CTR_DRBG. The output is opaque to us, so it cannot be
tested for its physical origin; the pool may mix it but never credits it
(``SourceInfo.physical`` is False).

Both run in the native core (``oe_rdrand``/``oe_rdseed``): one call per batch, each
value retried a bounded number of times while the carry flag reports "not ready"
(10 for rdrand, 1024 paused tries for rdseed), and a value that still fails is an
``OSError(EIO)``, never a zero. Support is checked with CPUID at run time. Raw samples
are the 64-bit values (uint64); the default stage is ``raw``.
"""

from __future__ import annotations

import errno
import os
import platform
from typing import ClassVar

import numpy as np

from openentropy.errors import SourceUnavailableError

from . import _native
from .base import AVAILABLE, Availability, Category, EntropySource, SourceInfo, unavailable


class _CpuRng(EntropySource):
    """Shared collect/available for the two instructions; subclasses name them."""

    instruction: ClassVar[str]
    default_stages = ({"type": "raw"},)

    @property
    def uses_native(self) -> bool:
        return True

    def available(self) -> Availability:
        machine = platform.machine()
        if machine not in ("x86_64", "AMD64"):
            return unavailable(f"{self.instruction} is an x86-64 instruction (this machine is {machine or 'unknown'})")
        if not _native.AVAILABLE:
            return unavailable(_native.UNAVAILABLE_REASON)
        if not getattr(_native.lib, f"oe_cpu_has_{self.instruction}")():
            return unavailable(f"this CPU does not support {self.instruction} (CPUID flag missing)")
        return AVAILABLE

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        availability = self.available()
        if not availability:
            raise SourceUnavailableError(f"{self.name}: {availability.reason}")
        out = np.empty(n, dtype=np.uint64)
        function = getattr(_native.lib, f"oe_{self.instruction}")
        taken = function(_native.ffi.from_buffer("uint64_t[]", out), n, deadline_ns)
        if taken == -errno.EIO:
            raise OSError(errno.EIO, f"{self.name}: the CPU reported {self.instruction} failure (carry clear) on every retry")
        if taken in (-errno.ENOTSUP, -errno.ENOSYS):
            raise SourceUnavailableError(f"{self.name}: {os.strerror(-taken)}")
        if taken < 0:
            raise OSError(-taken, f"{self.name}: {os.strerror(-taken)}")
        return out[:taken]


class Rdrand(_CpuRng):
    info = SourceInfo(
        name="rdrand",
        description="The x86 rdrand instruction; a hardware RNG reference, not a noise source (never credited)",
        physics=(
            "Intel's and AMD's digital RNG: a metastable latch resolved by thermal noise "
            "feeds an AES-CBC-MAC conditioner, which reseeds an AES CTR_DRBG; rdrand "
            "returns DRBG output. The physics is real but happens inside the CPU, out of "
            "view: openentropy sees only conditioned, expanded output it cannot assess, "
            "so it mixes these values as a reference and credits them nothing."
        ),
        category=Category.HARDWARE,
        platforms=("linux", "macos", "windows"),
        requirements=("x86-64 rdrand", "native timing core"),
        entropy_rate_estimate=1.0e9,
        physical=False,
    )
    instruction = "rdrand"


class Rdseed(_CpuRng):
    info = SourceInfo(
        name="rdseed",
        description="The x86 rdseed instruction; a hardware RNG reference, not a noise source (never credited)",
        physics=(
            "rdseed returns the output of the CPU RNG's conditioner (AES-CBC-MAC over "
            "samples of a thermal-noise-driven metastable latch) without the DRBG "
            "expansion that rdrand adds, so it is slower and may report 'not ready'. "
            "The noise source sits inside the CPU and cannot be observed or tested "
            "from software, so openentropy mixes these values as a reference and "
            "credits them nothing."
        ),
        category=Category.HARDWARE,
        platforms=("linux", "macos", "windows"),
        requirements=("x86-64 rdseed", "native timing core"),
        entropy_rate_estimate=1.0e8,
        physical=False,
    )
    instruction = "rdseed"


__all__ = ["Rdrand", "Rdseed"]


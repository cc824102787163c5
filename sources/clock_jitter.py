"""clock_jitter: phase noise between back-to-back reads of the monotonic clock.

Two samplers with the same meaning: the native core reads CLOCK_MONOTONIC_RAW in a C
loop (~40 ns per sample here); the pure-Python fallback reads ``time.perf_counter_ns``
(CLOCK_MONOTONIC, ~115 ns per sample). ``params.backend`` picks one; ``auto`` takes
the native core when it was built.
"""

from __future__ import annotations

import time
from typing import Literal

import numpy as np

from . import _native
from .base import AVAILABLE, Availability, Category, EntropySource, SourceInfo, SourceParams, unavailable

#: Python-loop samples between two deadline checks: one batch costs ~100 us at
#: ~115 ns per sample, so a deadline is kept to within about 0.1 ms.
_BATCH = 1024


class ClockJitterParams(SourceParams):
    backend: Literal["auto", "native", "python"] = "auto"


class ClockJitter(EntropySource):
    info = SourceInfo(
        name="clock_jitter",
        description="Jitter between consecutive reads of the monotonic clock",
        physics=(
            "Two back-to-back clock reads are separated by a varying number of "
            "nanoseconds: pipeline and cache state, branch prediction, interrupts, "
            "SMT siblings and DVFS transitions all shift when the second read retires. "
            "The crystal oscillator's own phase noise adds to it. The low bits of the "
            "deltas are the unpredictable part."
        ),
        category=Category.TIMING,
        platforms=("linux", "macos"),
        requirements=(),
        entropy_rate_estimate=2.0e5,
    )
    Params = ClockJitterParams
    default_stages = ({"type": "delta"}, {"type": "xor_whiten"}, {"type": "lsb"})

    @property
    def uses_native(self) -> bool:
        return self.params.backend == "native" or (self.params.backend == "auto" and _native.AVAILABLE)

    def available(self) -> Availability:
        if self.params.backend == "native" and not _native.AVAILABLE:
            return unavailable(_native.UNAVAILABLE_REASON)
        return AVAILABLE

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        if self.uses_native:
            return self._collect_native(n, deadline_ns)
        return self._collect_python(n, deadline_ns)

    @staticmethod
    def _collect_native(n: int, deadline_ns: int) -> np.ndarray:
        out = np.empty(n, dtype=np.uint64)
        taken = _native.lib.oe_clock_jitter(_native.ffi.from_buffer("uint64_t[]", out), n, deadline_ns)
        return out[:taken]

    @staticmethod
    def _collect_python(n: int, deadline_ns: int) -> np.ndarray:
        clock = time.perf_counter_ns
        stamps: list[int] = []
        while len(stamps) < n and time.monotonic_ns() < deadline_ns:
            take = min(_BATCH, n - len(stamps))
            stamps.extend([clock() for _ in range(take)])
        return np.array(stamps, dtype=np.uint64)

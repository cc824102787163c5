"""clock_jitter: phase noise between back-to-back reads of the monotonic clock.

Two samplers with the same meaning: the native core reads CLOCK_MONOTONIC_RAW in a C
loop (~40 ns per sample here); the pure-Python fallback reads ``time.perf_counter_ns``
(CLOCK_MONOTONIC, ~115 ns per sample).
"""

from __future__ import annotations

import time

import numpy as np

from .base import Category, SourceInfo
from .timing_source import TimingSource

#: Python-loop samples between two deadline checks: one batch costs ~100 us at
#: ~115 ns per sample, so a deadline is kept to within about 0.1 ms.
_BATCH = 1024


class ClockJitter(TimingSource):
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
    #: On an idle machine the C loop can fall into phases of identical deltas (runs of
    #: 130+ equal symbols were seen here in 8192 samples), so the health tests assume
    #: little: 0.1 bit/symbol puts the repetition cutoff at 201 (SP 800-90B 4.4.1).
    declared_min_entropy = 0.1
    native_symbol = "oe_clock_jitter"
    has_python_fallback = True

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        clock = time.perf_counter_ns
        stamps: list[int] = []
        while len(stamps) < n and time.monotonic_ns() < deadline_ns:
            take = min(_BATCH, n - len(stamps))
            stamps.extend([clock() for _ in range(take)])
        return np.array(stamps, dtype=np.uint64)

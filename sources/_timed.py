"""Shared pieces of the sources whose sample is the duration of one operation.

``disk_io``, ``fsync_journal``, ``getrandom_timing``, ``compression_timing``,
``hash_timing``, ``tcp_connect_timing`` and ``dns_timing`` each time one operation per
sample and return its duration (uint64; ``oe_ticks()`` units from the native core --
TSC cycles on x86 -- or nanoseconds from ``time.perf_counter_ns`` in Python).

Durations are already differences of two timestamps, so their default extraction skips
``delta`` (a second difference would only add the neighbour's jitter twice):
``gcd`` removes a coarse timer's step, ``xor_whiten`` decorrelates a drifting mean and
``lsb`` keeps the low byte where the jitter is. None of this credits entropy.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from openentropy.errors import SourceUnavailableError

from .base import Availability, unavailable
from .timing_source import DURATION_STAGES, TimingSource



class PythonTimingSource(TimingSource):
    """A duration source with only a Python sampler (``backend: native`` is refused)."""

    default_stages = DURATION_STAGES
    native_symbol = None
    has_python_fallback = True

    def available(self) -> Availability:
        if getattr(self.params, "backend", "auto") == "native":
            return unavailable(f"{self.info.name} has no native sampler; use backend 'auto' or 'python'")
        return self.available_here()

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        availability = self.available()
        if not availability:
            raise SourceUnavailableError(availability.reason)
        return self.collect_python(n, deadline_ns)


def time_calls(call: Callable[[int], object], n: int, deadline_ns: int, batch: int) -> np.ndarray:
    """Durations (ns) of ``call(i)`` for i = 0, 1, ...; the deadline is checked every ``batch`` calls.

    ``batch`` should make one batch last well under a millisecond so the deadline holds.
    """
    clock = time.perf_counter_ns
    chunks, have = [], 0  # grown per batch: a huge n must not allocate n slots up front
    while have < n and time.monotonic_ns() < deadline_ns:
        chunk = np.empty(min(batch, n - have), dtype=np.uint64)
        for j in range(len(chunk)):
            start = clock()
            call(have + j)
            chunk[j] = clock() - start
        chunks.append(chunk)
        have += len(chunk)
    return np.concatenate(chunks) if chunks else np.empty(0, dtype=np.uint64)

"""``TimingSource``: the base of sources whose raw samples are uint64 timings.

A timing source names a function of the native core (``native_symbol``) with the
signature ``int64_t f(uint64_t *out, int64_t n, int64_t deadline_ns, ...extra)``,
returning the number of samples written or ``-errno``; ``native_args()`` supplies the
extra arguments. It may also implement ``collect_python`` as a slower fallback. Which
one runs is chosen by ``params.backend``: ``auto`` (native when built), ``native`` or
``python``. A source with neither available says so through ``available()``.
"""

from __future__ import annotations

import errno
import os
import time
from typing import Any, ClassVar, Literal

import numpy as np

from openentropy.errors import SourceUnavailableError

from . import _native
from .base import AVAILABLE, Availability, EntropySource, SourceParams, unavailable

#: Default extraction for timings: deltas isolate the jitter, dividing by the deltas'
#: GCD removes a timer's fixed granularity (as jitterentropy does), XOR whitening
#: decorrelates neighbours, and the low byte keeps the bits that move.
TIMING_STAGES: tuple[dict[str, Any], ...] = (
    {"type": "delta"},
    {"type": "gcd"},
    {"type": "xor_whiten"},
    {"type": "lsb"},
)


#: Default extraction for durations (one operation timed per sample): already a
#: difference of two timestamps, so no ``delta``; otherwise as TIMING_STAGES.
DURATION_STAGES: tuple[dict[str, Any], ...] = (
    {"type": "gcd"},
    {"type": "xor_whiten"},
    {"type": "lsb"},
)


#: Samples per native call: 8 MiB of uint64 at most, a few ms of the fastest loops.
NATIVE_BATCH = 1 << 20


class TimingParams(SourceParams):
    backend: Literal["auto", "native", "python"] = "auto"


class TimingSource(EntropySource):
    Params: ClassVar[type[SourceParams]] = TimingParams
    default_stages = TIMING_STAGES
    native_symbol: ClassVar[str | None] = None
    has_python_fallback: ClassVar[bool] = False

    @property
    def uses_native(self) -> bool:
        backend = getattr(self.params, "backend", "auto")
        return self.native_symbol is not None and backend != "python" and (
            backend == "native" or _native.AVAILABLE
        )

    def available(self) -> Availability:
        backend = getattr(self.params, "backend", "auto")
        if backend == "python" and not self.has_python_fallback:
            return unavailable("this source has no pure-Python sampler; use backend 'auto' or 'native'")
        if self.native_symbol is not None and backend != "python" and not _native.AVAILABLE:
            if backend == "native" or not self.has_python_fallback:
                return unavailable(_native.UNAVAILABLE_REASON)
        return self.available_here()

    def available_here(self) -> Availability:
        """Machine-specific checks (a device, a CPU feature); override when needed."""
        return AVAILABLE

    def native_args(self) -> tuple[Any, ...]:
        return ()

    def collect(self, n: int, deadline_ns: int) -> np.ndarray:
        """Raise ``SourceUnavailableError`` when unavailable (never data); else sample."""
        availability = self.available()
        if not availability:
            raise SourceUnavailableError(f"{self.name}: {availability.reason}")
        if self.uses_native:
            return self.collect_native(n, deadline_ns)
        return self.collect_python(n, deadline_ns)

    def collect_native(self, n: int, deadline_ns: int) -> np.ndarray:
        """One C call per batch of at most ``NATIVE_BATCH`` samples, until ``n`` or the deadline.

        Batching keeps a request for far more than the deadline allows from reserving
        memory for all of it.
        """
        function = getattr(_native.lib, self.native_symbol)
        batches = []
        remaining = n
        while remaining > 0:
            out = np.empty(min(remaining, NATIVE_BATCH), dtype=np.uint64)
            taken = function(_native.ffi.from_buffer("uint64_t[]", out), len(out), deadline_ns, *self.native_args())
            if taken < 0:
                code = -taken
                raise OSError(code, f"{self.name}: {os.strerror(code) if code in errno.errorcode else 'native error'}")
            batches.append(out[:taken])
            remaining -= taken
            if taken < len(out) or time.monotonic_ns() >= deadline_ns:
                break
        return batches[0] if len(batches) == 1 else np.concatenate(batches)

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        raise NotImplementedError(f"{self.name} has no pure-Python sampler")

"""Computation timing: ``compression_timing`` (zlib) and ``hash_timing`` (SHA-256).

Each sample is the duration (ns, ``time.perf_counter_ns``) of compressing or hashing one
small buffer. The buffers are fixed and deterministic -- a small cycle of ``variants``
buffers whose alphabets (and so compressibility) differ -- so that any variation left
in the timing is the machine's, not the input's: feeding random input would launder the
input's randomness into the timings and flatter the estimates.

Python only: the work is in C (zlib, OpenSSL) already, and the interpreter's per-call
overhead (~0.3 us) is part of what is timed, like the caches and branch predictors.
"""

from __future__ import annotations

import hashlib
import zlib

import numpy as np
from pydantic import Field

from ._timed import PythonTimingSource, time_calls
from .base import Category, SourceInfo
from .timing_source import TimingParams


def fixed_buffers(size: int, variants: int) -> list[bytes]:
    """``variants`` deterministic buffers of ``size`` bytes; buffer k uses 2 + 8k distinct byte values."""
    return [bytes((i * 31 + (i >> 4) * 7 + k) % (2 + 8 * k) for i in range(size)) for k in range(variants)]


class CompressionParams(TimingParams):
    buffer_bytes: int = Field(256, ge=16, le=65536)
    variants: int = Field(8, ge=1, le=32)
    level: int = Field(6, ge=1, le=9)  # zlib level; 6 is zlib's default


class CompressionTiming(PythonTimingSource):
    info = SourceInfo(
        name="compression_timing",
        description="Duration of zlib-compressing small fixed buffers",
        physics=(
            "DEFLATE's hash-chain matching makes many data-dependent branches and scattered "
            "memory accesses, so its duration depends on branch-predictor and cache state left "
            "by everything else running on the core, on interrupts and context switches that "
            "land inside the call, and on frequency changes. With the input held fixed, the "
            "remaining variation of the low bits comes from that microarchitectural and "
            "scheduling noise."
        ),
        category=Category.SIGNAL,
        platforms=("linux", "macos", "windows"),
        requirements=("zlib (Python standard library)",),
        entropy_rate_estimate=5.0e4,
    )
    Params = CompressionParams

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        buffers, level, compress = fixed_buffers(self.params.buffer_bytes, self.params.variants), self.params.level, zlib.compress
        count = len(buffers)
        return time_calls(lambda i: compress(buffers[i % count], level), n, deadline_ns, batch=64)  # ~10 us each


class HashParams(TimingParams):
    buffer_bytes: int = Field(64, ge=1, le=65536)
    variants: int = Field(8, ge=1, le=32)


class HashTiming(PythonTimingSource):
    info = SourceInfo(
        name="hash_timing",
        description="Duration of SHA-256 over small fixed buffers",
        physics=(
            "SHA-256's compression function is constant-time arithmetic, so with a fixed input "
            "its duration should not vary at all; what varies is the machine around it: cache "
            "and TLB misses on the code and state, interrupts and preemption inside the call, "
            "SMT siblings competing for execution units and clock-frequency transitions. The "
            "low bits of the duration carry that noise."
        ),
        category=Category.SIGNAL,
        platforms=("linux", "macos", "windows"),
        requirements=("hashlib (Python standard library)",),
        entropy_rate_estimate=2.0e5,
    )
    Params = HashParams

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        buffers, sha256 = fixed_buffers(self.params.buffer_bytes, self.params.variants), hashlib.sha256
        count = len(buffers)
        return time_calls(lambda i: sha256(buffers[i % count]).digest(), n, deadline_ns, batch=1024)  # ~1 us each

"""Cross-domain beats: CPU-bound work interleaved with an operation timed by another
clock domain, the kernel's I/O path or the memory controller.

A sample is the duration of one cycle (work, then the other-domain operation) in
``oe_ticks()`` units (``_native/beat.c``). The cycle's length drifts and jitters with
the phase between the two domains, the way two slightly detuned oscillators beat.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
from pydantic import Field

from .timing_source import TimingSource
from .base import Category, SourceInfo
from .timing_source import TimingParams

_MIB = 1 << 20
_MASK = (1 << 64) - 1


class CpuIoBeatParams(TimingParams):
    #: Dependent multiply-add steps before each I/O round trip.
    work: int = Field(64, ge=0, le=1 << 20)


class CpuIoBeat(TimingSource):
    info = SourceInfo(
        name="cpu_io_beat",
        description="Cycle time of CPU work followed by a one-byte pipe write and read",
        physics=(
            "Each cycle runs a fixed chain of arithmetic on the core, then writes a byte "
            "into a pipe and reads it back through two system calls. The arithmetic runs "
            "at the core clock, which DVFS keeps retuning; the system calls cross into the "
            "kernel, take locks, wake wait queues and touch kernel data whose cache state "
            "depends on everything else the machine is doing, and they absorb timer and "
            "device interrupts. The cycle length wanders with the phase between the two."
        ),
        category=Category.CROSS_DOMAIN,
        platforms=("linux",),
        requirements=(),
        entropy_rate_estimate=2.0e5,
    )
    Params = CpuIoBeatParams
    native_symbol = "oe_cpu_io_beat"
    has_python_fallback = True

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.work,)

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        work, clock, samples = self.params.work, time.perf_counter_ns, []
        read_end, write_end = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            acc = 0
            while len(samples) < n and time.monotonic_ns() < deadline_ns:
                t0 = clock()
                for _ in range(work):
                    acc = (acc * 6364136223846793005 + 1442695040888963407) & _MASK
                os.write(write_end, bytes((acc & 0xFF,)))
                os.read(read_end, 1)
                samples.append(clock() - t0)
        finally:
            os.close(read_end)
            os.close(write_end)
        return np.array(samples, dtype=np.uint64)


class CpuMemoryBeatParams(TimingParams):
    #: Buffer the loads land in (lines are flushed first on x86, so size matters elsewhere).
    buffer_mib: int = Field(16, ge=1, le=4096)
    #: Dependent multiply-add steps before each load.
    work: int = Field(64, ge=0, le=1 << 20)


class CpuMemoryBeat(TimingSource):
    info = SourceInfo(
        name="cpu_memory_beat",
        description="Cycle time of CPU work overlapped with an uncached memory load",
        physics=(
            "Each cycle runs a fixed chain of arithmetic at the core clock while a load "
            "that misses every cache travels to DRAM, which runs from its own clock "
            "through the memory controller's queues, refresh cycles and row-buffer state. "
            "The cycle ends when both are done, so its length depends on the phase between "
            "the core and memory clock domains and on other cores' memory traffic, "
            "neither of which the process controls or can observe in advance."
        ),
        category=Category.CROSS_DOMAIN,
        platforms=("linux",),
        requirements=("native timing core",),
        entropy_rate_estimate=3.0e5,
    )
    Params = CpuMemoryBeatParams
    native_symbol = "oe_cpu_memory_beat"

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.buffer_mib * _MIB, self.params.work)

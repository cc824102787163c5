"""Microarchitecture timing: shared caches, cache-line coherence, FPU assists, branch
prediction and TLB shootdowns.

Each sample is the duration of a short, fixed piece of work in ``oe_ticks()`` units
(``_native/micro.c``). The work never changes; its duration does, because it depends on
hidden core state that other code running on the machine keeps disturbing. None of these
have a Python sampler: the interpreter's own overhead (~100 ns per step) would swamp
effects of a few cycles. Sources with a helper thread need two CPUs, otherwise the
"contention" would only be time slicing.

Pseudo-random addresses and branch directions come from a fixed-seed xorshift (see
``_native/_memory.h``) so that the pattern contributes no entropy of its own.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .cpus import needs_two_cpus
from .timing_source import TimingSource
from .base import Availability, Category, SourceInfo
from .timing_source import TimingParams

_KIB = 1 << 10


class CacheContentionParams(TimingParams):
    #: The timed pointer chase; larger than a core's L2 so it runs in the shared cache.
    chase_kib: int = Field(8192, ge=4, le=1 << 20)
    #: What the helper thread writes through, evicting the chase's lines.
    thrash_kib: int = Field(16384, ge=4, le=1 << 20)
    #: Dependent loads per sample.
    steps: int = Field(8, ge=1, le=4096)


class CacheContention(TimingSource):
    info = SourceInfo(
        name="cache_contention",
        description="Pointer-chase latency through the shared cache while another core thrashes it",
        physics=(
            "A chain of dependent loads walks a random cycle through a buffer larger than "
            "the private caches while a thread on another core keeps writing through a "
            "second buffer. Whether each load hits the shared cache or goes to DRAM "
            "depends on the replacement policy's state, on how the two cores' accesses "
            "interleave in the cache and on the memory controller's queue, all driven by "
            "thread scheduling, interrupts and other processes. The chase's duration "
            "varies by hundreds of cycles from one sample to the next."
        ),
        category=Category.MICROARCHITECTURE,
        platforms=("linux",),
        requirements=("native timing core", "2 CPUs"),
        entropy_rate_estimate=2.0e5,
    )
    Params = CacheContentionParams
    native_symbol = "oe_cache_contention"

    def available_here(self) -> Availability:
        return needs_two_cpus("the cache-thrashing thread")

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.chase_kib * _KIB, self.params.thrash_kib * _KIB, self.params.steps)


class CasContention(TimingSource):
    info = SourceInfo(
        name="cas_contention",
        description="Latency of atomic compare-and-swap on a cache line another core keeps writing",
        physics=(
            "An atomic compare-and-swap needs its cache line in exclusive state. A thread "
            "on another core keeps incrementing the same word, so the line bounces between "
            "the cores through the coherence protocol; each CAS waits for a snoop and "
            "transfer whose latency depends on where the line is at that instant, on the "
            "interconnect's other traffic and on how the two threads' instruction streams "
            "happen to align, which interrupts and frequency changes keep disturbing."
        ),
        category=Category.MICROARCHITECTURE,
        platforms=("linux",),
        requirements=("native timing core", "2 CPUs"),
        entropy_rate_estimate=2.0e5,
    )
    #: Min-entropy per symbol the health tests assume (measured with benchmarks/health_calibration.py):
    #: runs of 85 equal symbols and 224 repeats of one symbol in a 512-window were seen in 15 x 8192 samples here.
    declared_min_entropy = 0.2
    native_symbol = "oe_cas_contention"

    def available_here(self) -> Availability:
        return needs_two_cpus("the competing atomic thread")


class DenormalTimingParams(TimingParams):
    #: Multiplications with denormal operands per sample.
    ops: int = Field(16, ge=1, le=4096)


class DenormalTiming(TimingSource):
    info = SourceInfo(
        name="denormal_timing",
        description="Duration of floating-point multiplications on denormal operands",
        physics=(
            "Intel x86 cores handle denormal (subnormal) floating-point operands and results "
            "with a microcode assist that flushes the pipeline and costs on the order of "
            "a hundred cycles instead of four (AMD's Zen cores multiply most denormals at "
            "full speed, so there only the loop's own timing varies). How long a run of assisted operations takes "
            "depends on the state of the pipeline, the microcode sequencer and the caches "
            "when the assists fire, and on interrupts and the other hyperthread sharing "
            "the core, so the total varies from run to run."
        ),
        category=Category.MICROARCHITECTURE,
        platforms=("linux",),
        requirements=("native timing core",),
        entropy_rate_estimate=1.0e5,
    )
    #: Min-entropy per symbol the health tests assume (measured with benchmarks/health_calibration.py):
    #: runs of 10 equal symbols were seen in 15 x 8192 samples here; 0.5 keeps the repetition cutoff (41) four times above that.
    declared_min_entropy = 0.5
    Params = DenormalTimingParams
    native_symbol = "oe_denormal_timing"

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.ops,)


class SpeculativeExecutionParams(TimingParams):
    #: Data-dependent branches per sample (one 64-bit pattern word, so at most 64).
    branches: int = Field(32, ge=1, le=64)


class SpeculativeExecution(TimingSource):
    info = SourceInfo(
        name="speculative_execution",
        description="Duration of runs of unpredictable branches (branch-misprediction timing)",
        physics=(
            "The core speculates past every conditional branch along the predicted path "
            "and, on a misprediction, discards that work and restarts. Branches whose "
            "direction follows a long pseudo-random sequence are mispredicted about half "
            "the time; the cost of each recovery depends on how far speculation had run, "
            "on the predictor tables shared with everything else on the core and on "
            "interrupts. No speculative side channel is used: only the run's duration."
        ),
        category=Category.MICROARCHITECTURE,
        platforms=("linux",),
        requirements=("native timing core",),
        entropy_rate_estimate=1.0e5,
    )
    Params = SpeculativeExecutionParams
    native_symbol = "oe_speculative_execution"

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.branches,)


class TlbShootdownParams(TimingParams):
    #: Pages re-protected per sample. Up to 33 the kernel flushes them one by one
    #: (x86 tlb_single_page_flush_ceiling), above it the whole TLB.
    pages: int = Field(16, ge=1, le=65536)


class TlbShootdown(TimingSource):
    info = SourceInfo(
        name="tlb_shootdown",
        description="Duration of mprotect calls that force TLB shootdowns on another core",
        physics=(
            "Removing write permission from pages that a thread on another core is using "
            "obliges the kernel to invalidate that core's TLB entries: it sends an "
            "inter-processor interrupt and waits for the other core to acknowledge. The "
            "wait depends on what the other core is doing when the interrupt arrives, on "
            "interrupt delivery through the APIC (and the hypervisor when virtualised) "
            "and on page-table cache state, so each mprotect takes a varying number of "
            "microseconds."
        ),
        category=Category.MICROARCHITECTURE,
        platforms=("linux",),
        requirements=("native timing core", "2 CPUs"),
        entropy_rate_estimate=5.0e4,
    )
    Params = TlbShootdownParams
    native_symbol = "oe_tlb_shootdown"

    def available_here(self) -> Availability:
        return needs_two_cpus("a thread on another core to shoot down")

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.pages,)

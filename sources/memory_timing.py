"""Memory-subsystem timing: DRAM row buffers, first-touch page faults, VM system calls.

Each sample is the duration of one memory operation in ``oe_ticks()`` units (TSC cycles
on x86, ns elsewhere; the pure-Python samplers use ns). The C loops (``_native/memory.c``)
create their buffers and mappings inside each ``collect`` and release them before it
returns. Default buffer sizes keep that set-up well under 50 ms: populating 16 MiB takes
about 10 ms here, 64 MiB 35-100 ms, hence ``dram_row_buffer``'s 16 MiB default (clflush,
not size, is what sends its loads to DRAM on x86).
"""

from __future__ import annotations

import mmap
import time
from typing import Any, Literal

import numpy as np
from pydantic import Field

from .base import Category, SourceInfo
from .timing_source import TimingSource
from .timing_source import TimingParams

_MIB = 1 << 20


class DramRowBufferParams(TimingParams):
    #: Buffer the random loads land in. Without flushing it must exceed the last-level cache.
    buffer_mib: int = Field(16, ge=1, le=4096)
    #: Flush each line from the caches before loading it (x86 clflush; ignored elsewhere).
    flush: bool = True


class DramRowBuffer(TimingSource):
    info = SourceInfo(
        name="dram_row_buffer",
        description="Latency of uncached loads at random addresses (DRAM row-buffer hits and misses)",
        physics=(
            "A load that misses every cache goes to a DRAM bank, which serves it fast when "
            "the addressed row is already open in the bank's row buffer and slowly when "
            "it must precharge and activate another row. Which rows are open depends on "
            "every other core's and device's memory traffic, on refresh cycles stalling "
            "banks, and on the memory controller's queue scheduling; the physical address "
            "mapping is chosen by the kernel at allocation. The load latency therefore "
            "jitters by tens to hundreds of cycles in a way no process can predict."
        ),
        category=Category.TIMING,
        platforms=("linux",),
        requirements=("native timing core",),
        entropy_rate_estimate=5.0e5,
    )
    #: Min-entropy per symbol the health tests assume and crediting never exceeds: about
    #: half the SP 800-90B assessment measured here (`oe assess --source NAME --samples
    #: 100000` gave 3.78 bits/byte or more); benchmarks/health_calibration.py shows the
    #: longest runs far below the resulting cutoffs.
    declared_min_entropy = 1.5
    Params = DramRowBufferParams
    native_symbol = "oe_dram_row_buffer"

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.buffer_mib * _MIB, int(self.params.flush))


class PageFaultTimingParams(TimingParams):
    #: Pages per fresh mapping; each is faulted in once, then the mapping is unmapped.
    pages_per_map: int = Field(256, ge=1, le=65536)


class PageFaultTiming(TimingSource):
    info = SourceInfo(
        name="page_fault_timing",
        description="Duration of first-touch page faults on fresh anonymous mappings",
        physics=(
            "The first write to a fresh anonymous page traps into the kernel, which takes "
            "the mm lock, allocates a physical page from per-CPU and zone free lists, "
            "zeroes it and installs the page-table entry. Free-list state, lock contention "
            "with other threads, cache and TLB misses while walking page tables, and "
            "interrupts landing during the fault all change its duration from one fault to "
            "the next; under a hypervisor the nested page tables add their own jitter."
        ),
        category=Category.TIMING,
        platforms=("linux",),
        requirements=(),
        entropy_rate_estimate=3.0e5,
    )
    #: Min-entropy per symbol the health tests assume and crediting never exceeds: about
    #: half the SP 800-90B assessment measured here (`oe assess --source NAME --samples
    #: 100000` gave 3.57 bits/byte or more); benchmarks/health_calibration.py shows the
    #: longest runs far below the resulting cutoffs.
    declared_min_entropy = 1.5
    Params = PageFaultTimingParams
    native_symbol = "oe_page_fault_timing"
    has_python_fallback = True

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.pages_per_map,)

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        page, pages = mmap.PAGESIZE, self.params.pages_per_map
        clock, samples = time.perf_counter_ns, []
        while len(samples) < n and time.monotonic_ns() < deadline_ns:
            # MAP_PRIVATE: Python's default for anonymous maps is MAP_SHARED (shmem faults).
            with mmap.mmap(-1, pages * page, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS) as region:
                for k in range(min(pages, n - len(samples))):
                    t0 = clock()
                    region[k * page] = 1
                    samples.append(clock() - t0)
                    if time.monotonic_ns() >= deadline_ns:
                        break
        return np.array(samples, dtype=np.uint64)


class VmPageTimingParams(TimingParams):
    #: Pages per cycle.
    pages: int = Field(4, ge=1, le=4096)
    #: ``mmap``: map, write every page, unmap. ``madvise``: MADV_DONTNEED then rewrite.
    mode: Literal["mmap", "madvise"] = "mmap"


class VmPageTiming(TimingSource):
    info = SourceInfo(
        name="vm_page_timing",
        description="Duration of mmap/write/munmap (or madvise DONTNEED/rewrite) cycles",
        physics=(
            "Each cycle runs the virtual-memory subsystem end to end: the VMA tree is "
            "updated under the mmap lock, pages are allocated, zeroed and mapped, then "
            "freed back to the allocator and their TLB entries invalidated. The cost of "
            "each step depends on allocator free-list and lock state shared with every "
            "other process, on cache misses in kernel data structures, on RCU and "
            "interrupt activity, so cycle durations jitter by microseconds."
        ),
        category=Category.TIMING,
        platforms=("linux",),
        requirements=(),
        entropy_rate_estimate=1.0e5,
    )
    Params = VmPageTimingParams
    native_symbol = "oe_vm_page_timing"
    has_python_fallback = True

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.pages, 0 if self.params.mode == "mmap" else 1)

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        page, pages, madvise = mmap.PAGESIZE, self.params.pages, self.params.mode == "madvise"
        flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS
        clock, samples = time.perf_counter_ns, []
        region = mmap.mmap(-1, pages * page, flags=flags) if madvise else None
        try:
            while len(samples) < n and time.monotonic_ns() < deadline_ns:
                t0 = clock()
                if madvise:
                    region.madvise(mmap.MADV_DONTNEED)
                    for k in range(pages):
                        region[k * page] = 1
                else:
                    with mmap.mmap(-1, pages * page, flags=flags) as fresh:
                        for k in range(pages):
                            fresh[k * page] = 1
                samples.append(clock() - t0)
        finally:
            if region is not None:
                region.close()
        return np.array(samples, dtype=np.uint64)

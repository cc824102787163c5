"""memory_timing: dram_row_buffer, page_fault_timing, vm_page_timing (live, on this machine)."""

import os
import time

import numpy as np
import pytest
from pydantic import ValidationError

from openentropy.errors import SourceUnavailableError
from openentropy.sources.memory_timing import DramRowBuffer, PageFaultTiming, VmPageTiming

NATIVE = [(DramRowBuffer, {}), (DramRowBuffer, {"flush": False, "buffer_mib": 4}),
          (PageFaultTiming, {}), (VmPageTiming, {}), (VmPageTiming, {"mode": "madvise"})]
PYTHON = [(PageFaultTiming, {}), (VmPageTiming, {}), (VmPageTiming, {"mode": "madvise"})]


def mappings() -> int:
    with open("/proc/self/maps") as maps:
        return sum(1 for _ in maps)


def collect_live(source, n=4000, seconds=1.0):
    started = time.monotonic_ns()
    data = source.collect(n, started + int(seconds * 1e9))
    elapsed = (time.monotonic_ns() - started) / 1e9
    assert data.dtype == np.uint64 and 0 < len(data) <= n
    assert elapsed < seconds + 0.2
    assert len(np.unique(data)) > 5  # timings move
    return data


@pytest.mark.parametrize(("cls", "params"), NATIVE)
def test_native_samplers_return_varying_timings_and_unmap_everything(cls, params):
    source = cls(cls.Params(backend="native", **params))
    assert source.available() and source.uses_native
    before = mappings()
    collect_live(source)
    assert mappings() <= before  # every buffer and mapping was released


@pytest.mark.parametrize(("cls", "params"), PYTHON)
def test_python_samplers_return_varying_timings(cls, params):
    source = cls(cls.Params(backend="python", **params))
    assert source.available() and not source.uses_native
    collect_live(source, n=2000)


@pytest.mark.parametrize(("cls", "backend"), [(c, "native") for c, _ in NATIVE[::2]] + [(c, "python") for c, _ in PYTHON[:2]])
def test_stops_at_its_deadline_when_asked_for_far_more(cls, backend):
    source = cls(cls.Params(backend=backend))
    started = time.monotonic_ns()
    data = source.collect(10**8, started + 100_000_000)
    assert 0 < len(data) < 10**8 and (time.monotonic_ns() - started) / 1e9 < 0.3


def test_dram_loads_are_slower_than_cached_ones():
    """Flushed random loads must cost more than a few cycles (median well above an L1 hit)."""
    data = collect_live(DramRowBuffer(), n=5000)
    assert np.median(data) > 50


def test_dram_row_buffer_has_no_python_sampler():
    source = DramRowBuffer(DramRowBuffer.Params(backend="python"))
    assert source.available().reason == "this source has no pure-Python sampler; use backend 'auto' or 'native'"
    with pytest.raises(SourceUnavailableError, match="dram_row_buffer: this source has no pure-Python sampler"):
        source.collect(10, time.monotonic_ns() + 10**8)


def test_native_core_missing_is_reported(monkeypatch):
    from openentropy.sources import _native

    monkeypatch.setattr(_native, "AVAILABLE", False)
    source = DramRowBuffer()
    assert source.available().reason == "native timing core not built"
    with pytest.raises(SourceUnavailableError, match="native timing core not built"):
        source.collect(10, time.monotonic_ns() + 10**8)
    assert PageFaultTiming().available() and not PageFaultTiming().uses_native  # falls back to Python


def test_params_have_defaults_and_reject_bad_values():
    assert DramRowBuffer.Params().buffer_mib == 16 and PageFaultTiming.Params().pages_per_map == 256
    for cls, bad in [(DramRowBuffer, {"buffer_mib": 0}), (PageFaultTiming, {"pages_per_map": 0}),
                     (VmPageTiming, {"mode": "brk"}), (VmPageTiming, {"pagez": 3})]:
        with pytest.raises(ValidationError):
            cls.Params(**bad)


def test_page_faults_cost_more_than_touching_mapped_memory():
    """A first-touch fault enters the kernel: it takes well over 100 ns."""
    data = PageFaultTiming(PageFaultTiming.Params(backend="python")).collect(500, time.monotonic_ns() + 10**9)
    assert np.median(data) > 100
    assert os.sysconf("SC_PAGE_SIZE") > 0

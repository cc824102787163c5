"""cross_domain: cpu_io_beat, cpu_memory_beat (live, on this machine)."""

import os
import time

import numpy as np
import pytest
from pydantic import ValidationError

from openentropy.errors import SourceUnavailableError
from openentropy.sources.cross_domain import CpuIoBeat, CpuMemoryBeat


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize(("cls", "backend"), [(CpuIoBeat, "native"), (CpuIoBeat, "python"), (CpuMemoryBeat, "native")])
def test_collects_varying_timings_and_closes_its_pipe(cls, backend):
    source = cls(cls.Params(backend=backend))
    assert source.available() and source.uses_native == (backend == "native")
    before = open_fds()
    started = time.monotonic_ns()
    data = source.collect(3000, started + 10**9)
    assert data.dtype == np.uint64 and 0 < len(data) <= 3000
    assert (time.monotonic_ns() - started) / 1e9 < 1.2
    assert len(np.unique(data)) > 5 and open_fds() == before


@pytest.mark.parametrize(("cls", "backend"), [(CpuIoBeat, "native"), (CpuIoBeat, "python"), (CpuMemoryBeat, "native")])
def test_stops_at_its_deadline_when_asked_for_far_more(cls, backend):
    started = time.monotonic_ns()
    data = cls(cls.Params(backend=backend)).collect(10**8, started + 100_000_000)
    assert 0 < len(data) < 10**8 and (time.monotonic_ns() - started) / 1e9 < 0.3


def test_more_work_lengthens_the_cycle():
    light = CpuIoBeat(CpuIoBeat.Params(work=0)).collect(3000, time.monotonic_ns() + 10**9)
    heavy = CpuIoBeat(CpuIoBeat.Params(work=2000)).collect(3000, time.monotonic_ns() + 10**9)
    assert np.median(heavy) > np.median(light)


def test_cpu_memory_beat_has_no_python_sampler():
    source = CpuMemoryBeat(CpuMemoryBeat.Params(backend="python"))
    assert "no pure-Python sampler" in source.available().reason
    with pytest.raises(SourceUnavailableError, match="cpu_memory_beat: this source has no pure-Python sampler"):
        source.collect(10, time.monotonic_ns() + 10**8)


def test_params_have_defaults_and_reject_bad_values():
    assert CpuIoBeat.Params().work == 64 and CpuMemoryBeat.Params().buffer_mib == 16
    with pytest.raises(ValidationError):
        CpuMemoryBeat.Params(buffer_mib=0)
    with pytest.raises(ValidationError):
        CpuIoBeat.Params(work=-1)

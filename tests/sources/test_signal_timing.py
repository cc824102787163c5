"""compression_timing and hash_timing: live collects, fixed inputs, no native backend."""

import time
import zlib

import numpy as np
import pytest

from openentropy.errors import SourceUnavailableError
from openentropy.sources.signal_timing import CompressionTiming, HashTiming, fixed_buffers


def test_fixed_buffers_are_deterministic_and_differ_in_compressibility():
    buffers = fixed_buffers(256, 8)
    assert buffers == fixed_buffers(256, 8) and all(len(b) == 256 for b in buffers)
    sizes = [len(zlib.compress(b)) for b in buffers]
    assert len(set(sizes)) == 8 and sizes[0] < sizes[-1]


@pytest.mark.parametrize("cls", [CompressionTiming, HashTiming])
def test_live_collect(cls):
    source = cls()
    assert source.available()
    started = time.monotonic_ns()
    data = source.collect(5000, started + 10**9)
    elapsed = (time.monotonic_ns() - started) / 1e9
    assert data.dtype == np.uint64 and len(data) == 5000 and elapsed < 1.2
    assert (data > 0).all() and len(np.unique(data)) > 10


@pytest.mark.parametrize("cls", [CompressionTiming, HashTiming])
def test_stops_at_its_deadline(cls):
    started = time.monotonic_ns()
    data = cls().collect(10**8, started + 20_000_000)
    assert 0 < len(data) < 10**8 and (time.monotonic_ns() - started) / 1e9 < 0.02 + 0.2


@pytest.mark.parametrize("cls", [CompressionTiming, HashTiming])
def test_native_backend_is_refused(cls):
    source = cls(cls.Params(backend="native"))
    reason = f"{cls.info.name} has no native sampler; use backend 'auto' or 'python'"
    assert source.available().reason == reason
    with pytest.raises(SourceUnavailableError, match="no native sampler"):
        source.collect(10, time.monotonic_ns() + 10**9)

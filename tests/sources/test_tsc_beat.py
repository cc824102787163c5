"""tsc_clock_beat: live counts on x86-64, and the reasons it gives elsewhere."""

import platform
import time

import numpy as np
import pytest
from pydantic import ValidationError

from openentropy.errors import SourceUnavailableError
from openentropy.sources import _native, tsc_beat
from openentropy.sources.tsc_beat import TscClockBeat

X86 = platform.machine() in ("x86_64", "AMD64")


def test_metadata_and_defaults():
    info = TscClockBeat.info
    assert info.name == "tsc_clock_beat" and info.physical and len(info.physics) > 80
    assert "x86-64 rdtscp" in info.requirements
    assert [s["type"] for s in TscClockBeat.default_stages] == ["gcd", "xor_whiten", "lsb"]
    assert TscClockBeat().params.tick_shift == 8
    with pytest.raises(ValidationError):
        TscClockBeat.Params(tick_shift=21)


def test_availability_follows_the_machine():
    availability = TscClockBeat().available()
    if X86:
        assert availability, availability.reason
    else:
        assert availability.reason.startswith("needs an x86-64 CPU with rdtscp")


@pytest.mark.parametrize("shift", [8, 10])
def test_counts_match_the_tick_and_vary(shift):
    source = TscClockBeat(TscClockBeat.Params(tick_shift=shift))
    started = time.monotonic_ns()
    data = source.collect(20_000, started + 1_000_000_000)
    assert (time.monotonic_ns() - started) < 1.2e9
    assert data.dtype == np.uint64 and 0 < len(data) <= 20_000
    # Each count spans one tick of 2**shift ns: between 0.2 and 20 GHz worth of cycles
    # per ns covers any real TSC; the median must sit in that window.
    per_ns = float(np.median(data)) / 2**shift
    assert 0.2 < per_ns < 20
    assert len(np.unique(data)) > 10


def test_stops_at_its_deadline_with_a_slow_tick():
    source = TscClockBeat(TscClockBeat.Params(tick_shift=20))  # ~1 ms per sample
    started = time.monotonic_ns()
    data = source.collect(10**6, started + 30_000_000)
    elapsed = (time.monotonic_ns() - started) / 1e9
    assert len(data) < 10**6 and elapsed < 0.23


def test_not_x86_is_unavailable_with_the_machine_named(monkeypatch):
    monkeypatch.setattr(tsc_beat.platform, "machine", lambda: "aarch64")
    source = TscClockBeat()
    assert source.available().reason == "needs an x86-64 CPU with rdtscp (this machine is aarch64)"
    with pytest.raises(SourceUnavailableError, match="this machine is aarch64"):
        source.collect(10, time.monotonic_ns() + 10**8)


def test_python_backend_is_refused():
    source = TscClockBeat(TscClockBeat.Params(backend="python"))
    assert "no pure-Python sampler" in source.available().reason
    with pytest.raises(SourceUnavailableError):
        source.collect(10, time.monotonic_ns() + 10**8)


def test_native_rejects_a_bad_shift():
    out = np.empty(4, dtype=np.uint64)
    assert _native.lib.oe_tsc_clock_beat(_native.ffi.from_buffer("uint64_t[]", out), 4, 0, 40) == -22  # EINVAL

"""rdrand / rdseed: real output on this machine, references never credited, clear refusals."""

import platform
import time

import numpy as np
import pytest

from openentropy.errors import SourceUnavailableError
from openentropy.sources import _native, cpu_rng
from openentropy.sources.base import Category
from openentropy.sources.cpu_rng import Rdrand, Rdseed

X86 = platform.machine() in ("x86_64", "AMD64")


def _cpu_has(flag: str) -> bool:
    with open("/proc/cpuinfo") as cpuinfo:
        return any(line.startswith("flags") and flag in line.split() for line in cpuinfo)


@pytest.mark.parametrize("cls", [Rdrand, Rdseed])
def test_marked_as_reference_not_physical(cls):
    info = cls.info
    assert info.physical is False and info.category is Category.HARDWARE
    assert "never credited" in info.description and len(info.physics) > 80
    assert cls.default_stages == ({"type": "raw"},)


@pytest.mark.parametrize("cls", [Rdrand, Rdseed])
def test_availability_agrees_with_proc_cpuinfo(cls):
    availability = cls().available()
    if X86 and _cpu_has(cls.instruction):
        assert availability, availability.reason
    else:
        assert not availability and cls.instruction in availability.reason


@pytest.mark.parametrize("cls", [Rdrand, Rdseed])
def test_real_output_is_distinct_and_balanced(cls):
    assert cls().available(), "this machine has both flags (see the brief); availability is tested above"
    started = time.monotonic_ns()
    data = cls().collect(4096, started + 2_000_000_000)
    assert (time.monotonic_ns() - started) < 2.2e9
    assert data.dtype == np.uint64 and len(data) == 4096
    assert len(np.unique(data)) == len(data)  # 4096 random 64-bit values collide with p ~ 5e-13
    ones = int(np.unpackbits(data.view(np.uint8)).sum())
    bits = 64 * len(data)
    # Binomial(262144, 1/2): sd = 256; 0.49..0.51 is +-10 sd.
    assert 0.49 * bits < ones < 0.51 * bits
    # Every bit position is used: each is set in 30%..70% of the values (+-12 sd).
    per_bit = ((data[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).mean(axis=0)
    assert per_bit.min() > 0.3 and per_bit.max() < 0.7


@pytest.mark.parametrize("cls", [Rdrand, Rdseed])
def test_stops_at_its_deadline(cls):
    started = time.monotonic_ns()
    data = cls().collect(10**7, started + 20_000_000)  # 10M values take ~0.5 s or more
    elapsed = (time.monotonic_ns() - started) / 1e9
    assert 0 < len(data) < 10**7 and elapsed < 0.22


def test_missing_cpu_flag_is_unavailable_and_collect_refuses(monkeypatch):
    real = _native.lib

    class NoRdseed:
        def __getattr__(self, name):
            return (lambda: 0) if name == "oe_cpu_has_rdseed" else getattr(real, name)

    monkeypatch.setattr(cpu_rng._native, "lib", NoRdseed())
    source = Rdseed()
    assert source.available().reason == "this CPU does not support rdseed (CPUID flag missing)"
    with pytest.raises(SourceUnavailableError, match="does not support rdseed"):
        source.collect(8, time.monotonic_ns() + 10**8)


def test_not_x86_is_unavailable(monkeypatch):
    monkeypatch.setattr(cpu_rng.platform, "machine", lambda: "aarch64")
    assert Rdrand().available().reason == "rdrand is an x86-64 instruction (this machine is aarch64)"
    with pytest.raises(SourceUnavailableError):
        Rdrand().collect(8, time.monotonic_ns() + 10**8)


def test_a_failing_instruction_is_an_error_not_zeros(monkeypatch):
    """The native loop returns -EIO after its retries; Python turns it into an OSError."""
    real = _native.lib

    class FailingLib:
        def __getattr__(self, name):
            if name == "oe_rdrand":
                return lambda out, n, deadline: -5  # -EIO
            return getattr(real, name)

    monkeypatch.setattr(cpu_rng._native, "lib", FailingLib())
    with pytest.raises(OSError, match="carry clear"):
        Rdrand().collect(8, time.monotonic_ns() + 10**8)

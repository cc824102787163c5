"""Deliberately misbehaving sources for engine tests (referenced by import path)."""

import os
import struct
import threading
import time

import numpy as np

from openentropy.sources.base import Category, EntropySource, SourceInfo, SourceParams, unavailable


def _info(name: str) -> SourceInfo:
    return SourceInfo(name, f"test source {name}", "none: a test double", Category.TIMING, ("linux",), (), 0.0)


class CountingSource(EntropySource):
    """Returns n distinct, well-spread uint8 samples (a counter through a permutation)."""

    info = _info("counting")
    default_stages = ({"type": "raw"},)

    def collect(self, n, deadline_ns):
        return ((np.arange(n, dtype=np.uint64) * 167 + 13) % 256).astype(np.uint8)


class UniformSource(EntropySource):
    """A healthy noise source for engine tests: fresh OS random bytes every collect."""

    info = _info("uniform")
    default_stages = ({"type": "raw"},)
    declared_min_entropy = 4.0

    def collect(self, n, deadline_ns):
        return np.frombuffer(os.urandom(n), dtype=np.uint8)


class SlowParams(SourceParams):
    seconds: float = 1.0


class SlowSource(EntropySource):
    """Ignores its deadline and sleeps ``params.seconds`` before answering."""

    info = _info("slow")
    Params = SlowParams
    default_stages = ({"type": "raw"},)

    def collect(self, n, deadline_ns):
        time.sleep(self.params.seconds)
        return np.ones(n, dtype=np.uint8)


class HangingSource(EntropySource):
    """Never returns until ``RELEASE`` is set."""

    info = _info("hanging")
    default_stages = ({"type": "raw"},)
    RELEASE = threading.Event()
    CALLS = 0

    def collect(self, n, deadline_ns):
        type(self).CALLS += 1
        self.RELEASE.wait(30)
        return np.ones(n, dtype=np.uint8)


class FailingSource(EntropySource):
    info = _info("failing")
    default_stages = ({"type": "raw"},)

    def collect(self, n, deadline_ns):
        raise RuntimeError("sensor on fire")


class EmptySource(EntropySource):
    info = _info("empty")
    default_stages = ({"type": "raw"},)

    def collect(self, n, deadline_ns):
        return np.empty(0, dtype=np.uint8)


class MissingHardwareSource(EntropySource):
    info = _info("missing_hardware")
    default_stages = ({"type": "raw"},)

    def available(self):
        return unavailable("no /dev/fake device")

    def collect(self, n, deadline_ns):
        raise AssertionError("must never be called when unavailable")


class NotASource:
    """Does not subclass EntropySource."""


class StuckSource(EntropySource):
    """A broken sensor: the same value every time."""

    info = _info("stuck")
    default_stages = ({"type": "raw"},)

    def collect(self, n, deadline_ns):
        return np.full(n, 0x5A, dtype=np.uint8)


class StuckTimerSource(EntropySource):
    """A timer stuck at a fixed step: timestamps exactly 40 ns apart, claiming 1 bit a sample."""

    info = _info("stuck_timer")
    default_stages = ({"type": "delta"}, {"type": "gcd"}, {"type": "xor_whiten"}, {"type": "lsb"})
    declared_min_entropy = 1.0

    def collect(self, n, deadline_ns):
        return (time.monotonic_ns() + 40 * np.arange(n, dtype=np.uint64)).astype(np.uint64)


class WideNoiseSource(EntropySource):
    """Fresh uint64 noise samples that claim 1 bit each (their low byte is the symbol)."""

    info = _info("wide_noise")
    default_stages = ({"type": "lsb"},)
    declared_min_entropy = 1.0

    def collect(self, n, deadline_ns):
        return np.frombuffer(os.urandom(8 * n), dtype=np.uint64)


class FixedSeedSource(EntropySource):
    """A generator restarted with the same seed every collect: uniform-looking, never fresh."""

    info = _info("fixed_seed")
    default_stages = ({"type": "raw"},)
    declared_min_entropy = 4.0

    def collect(self, n, deadline_ns):
        return np.random.default_rng(1234).integers(0, 256, n, dtype=np.uint8)


class PatternParams(SourceParams):
    period: int = 256  # 256: a byte counter 0..255; 3: the pattern 0x17 0xA5 0x3C


class PatternSource(EntropySource):
    """Deterministic bytes that look uniform to a histogram: a counter (period 256) or a
    short period, continuing across collects so no two blocks are the same."""

    info = _info("pattern")
    Params = PatternParams
    default_stages = ({"type": "raw"},)
    declared_min_entropy = 4.0

    def __init__(self, params=None):
        super().__init__(params)
        self._next = 0

    def collect(self, n, deadline_ns):
        period = self.params.period
        cycle = np.arange(256, dtype=np.uint8) if period == 256 else np.array([0x17, 0xA5, 0x3C], np.uint8)[:period]
        out = cycle[(self._next + np.arange(n)) % period]
        self._next += n
        return out


class RestartProbeSource(EntropySource):
    """Says which process built it and how many of its kind that process had built: bytes
    0-3 are ``os.getpid()`` (uint32, little-endian), byte 4 the instances built in this
    process so far (1 for a source built from nothing), the rest OS random bytes."""

    info = _info("restart_probe")
    default_stages = ({"type": "raw"},)
    BUILT = 0

    def __init__(self, params=None):
        super().__init__(params)
        type(self).BUILT += 1

    def collect(self, n, deadline_ns):
        head = np.frombuffer(struct.pack("<IB", os.getpid(), min(type(self).BUILT, 255)), np.uint8)
        return np.concatenate([head, np.frombuffer(os.urandom(max(n - len(head), 0)), np.uint8)])[:n]

"""When the C extension could not be built, sources fall back or say why, never fake."""

import time

import pytest

from openentropy.engine.measure import scan_sources
from openentropy.sources import _native, get_source_class, source_names
from openentropy.sources.timing_source import TimingSource


@pytest.fixture
def no_native(monkeypatch):
    monkeypatch.setattr(_native, "AVAILABLE", False)
    monkeypatch.setattr(_native, "lib", None)
    monkeypatch.setattr(_native, "ffi", None)


def test_timing_sources_fall_back_or_report_the_missing_core(no_native):
    checked = 0
    for name in source_names():
        cls = get_source_class(name)
        if not issubclass(cls, TimingSource) or cls.native_symbol is None:
            continue
        source = cls(cls.Params())
        checked += 1
        assert not source.uses_native
        if cls.has_python_fallback:
            assert source.available().ok or "native" not in source.available().reason
        else:
            assert source.available().reason == "native timing core not built"
    assert checked >= 1


def test_clock_jitter_runs_in_python_without_the_core(no_native):
    cls = get_source_class("clock_jitter")
    source = cls(cls.Params())
    assert source.available() and not source.uses_native
    assert len(source.collect(1000, time.monotonic_ns() + 10**9)) == 1000
    forced = cls(cls.Params(backend="native"))
    assert forced.available().reason == "native timing core not built"


def test_scan_shows_python_sampler_without_the_core(no_native):
    rows = {row.name: row for row in scan_sources()}
    assert rows["clock_jitter"].available and not rows["clock_jitter"].native

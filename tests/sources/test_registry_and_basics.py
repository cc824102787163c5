"""The registry, import-path sources, and the two sources shipped so far."""

import time

import numpy as np
import pytest

from openentropy.errors import ProfileError, UnknownSourceError
from openentropy.engine.loader import load_profile_text
from openentropy.sources import SOURCES, _native, get_source_class, source_names
from openentropy.sources.base import Category, EntropySource
from openentropy.sources.clock_jitter import ClockJitter
from openentropy.sources.timing_source import TimingParams as ClockJitterParams


def test_registry_is_read_only_alphabetical_and_keys_match_names():
    with pytest.raises(TypeError):
        SOURCES["x"] = "y"  # type: ignore[index]
    assert list(SOURCES) == sorted(SOURCES)
    for name in SOURCES:
        assert get_source_class(name).info.name == name


def test_unknown_source_lists_known_and_suggests():
    with pytest.raises(UnknownSourceError) as info:
        get_source_class("os_randm")
    message = str(info.value)
    assert "did you mean 'os_random'" in message and "clock_jitter" in message


def test_import_path_sources():
    cls = get_source_class("oe_test_sources:CountingSource")
    assert issubclass(cls, EntropySource)
    for bad, fragment in [
        ("no_such_module_xyz:Thing", "cannot import module 'no_such_module_xyz'"),
        ("oe_test_sources:Nope", "has no attribute 'Nope'"),
        ("oe_test_sources:NotASource", "is not an EntropySource subclass"),
    ]:
        with pytest.raises(UnknownSourceError, match=fragment):
            get_source_class(bad)


def test_bad_import_path_is_a_profile_error():
    with pytest.raises(ProfileError, match=r"sources\[0\].name: source 'oe_test_sources:NotASource'"):
        load_profile_text("name: t\nsources:\n  - name: 'oe_test_sources:NotASource'\n")


def test_metadata_is_complete():
    for name in source_names():
        info = get_source_class(name).info
        assert info.description and len(info.physics) > 80 and isinstance(info.category, Category)
        assert info.platforms and info.entropy_rate_estimate > 0


def test_os_random_is_a_reference_source():
    cls = get_source_class("os_random")
    assert cls.info.physical is False and cls.info.category is Category.REFERENCE
    data = cls().collect(1000, time.monotonic_ns() + 10**9)
    assert data.dtype == np.uint8 and len(data) == 1000 and len(np.unique(data)) > 200


@pytest.mark.parametrize("backend", ["python", "native"])
def test_clock_jitter_backends_return_increasing_timestamps(backend):
    if backend == "native" and not _native.AVAILABLE:
        source = ClockJitter(ClockJitterParams(backend="native"))
        assert not source.available() and source.available().reason == "native timing core not built"
        return
    source = ClockJitter(ClockJitterParams(backend=backend))
    data = source.collect(5000, time.monotonic_ns() + 10**9)
    assert data.dtype == np.uint64 and len(data) == 5000
    deltas = np.diff(data.astype(np.int64))
    assert (deltas >= 0).all() and len(np.unique(deltas)) > 3  # timestamps move, and not in lockstep


@pytest.mark.parametrize("backend", ["python", "native"])
def test_clock_jitter_stops_at_its_deadline(backend):
    if backend == "native" and not _native.AVAILABLE:
        pytest.skip("native core not built here; the unavailable path is tested above")
    source = ClockJitter(ClockJitterParams(backend=backend))
    started = time.monotonic_ns()
    data = source.collect(10**9, started + 20_000_000)  # asks for far more than 20 ms allows
    elapsed = (time.monotonic_ns() - started) / 1e9
    assert 0 < len(data) < 10**9 and elapsed < 0.5


def test_native_core_built_in_this_install():
    """The dev install compiles the core (a C compiler is on every supported machine)."""
    assert _native.AVAILABLE, "the cffi extension was not built: check setup.py / sources/_native/build.py"


def test_entry_point_sources_are_found(monkeypatch):
    """Installed packages add sources through the 'openentropy.sources' entry-point group."""
    import importlib.metadata as metadata

    from openentropy.sources import registry

    point = metadata.EntryPoint("fan_noise", "oe_test_sources:CountingSource", registry.ENTRY_POINT_GROUP)
    real = metadata.entry_points

    def fake(**kwargs):
        if kwargs.get("group") == registry.ENTRY_POINT_GROUP:
            return metadata.EntryPoints([point])
        return real(**kwargs)

    monkeypatch.setattr(registry.importlib.metadata, "entry_points", fake)
    assert "fan_noise" in source_names()
    assert get_source_class("fan_noise").__name__ == "CountingSource"
    assert load_profile_text("name: t\nsources:\n  - name: fan_noise\n").sources[0].name == "fan_noise"

"""When the C extension could not be built, sources fall back or say why, never fake."""

import json
import subprocess
import sys
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


#: A child interpreter whose import of the timing core fails as after an install without a
#: compiler (the optional build skipped), not patched after a good import as above.
WITHOUT_TIMING_CORE = """
import json, sys, time
class _Unbuilt:
    def find_spec(self, name, path=None, target=None):
        if name == "openentropy.sources._native._timing":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, _Unbuilt())
from openentropy.sources import _native, get_source_class
cls = get_source_class("clock_jitter")
source = cls(cls.Params())
print(json.dumps({
    "available": _native.AVAILABLE, "lib": _native.lib is not None, "reason": _native.UNAVAILABLE_REASON,
    "native": source.uses_native, "samples": len(source.collect(1000, time.monotonic_ns() + 10**9)),
}))
"""


def test_an_unbuilt_core_fails_its_import_and_python_sampling_runs():
    # -P: import the installed package, never a checkout's bare ``openentropy/`` in the cwd
    run = subprocess.run([sys.executable, "-P", "-c", WITHOUT_TIMING_CORE], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    child = json.loads(run.stdout)
    assert child == {
        "available": False, "lib": False, "reason": "native timing core not built", "native": False, "samples": 1000,
    }

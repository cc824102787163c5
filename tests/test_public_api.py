"""The front door: ``import openentropy`` and what a notebook user types."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import openentropy

PUBLIC = {
    "EntropyPool", "EntropyTimeoutError", "Harvester", "HarvesterClosedError", "OpenEntropyError", "Profile",
    "ProfileError", "QualityReport", "SourceUnavailableError", "__version__", "assess", "detect_available_sources",
    "load_profile", "load_session", "open", "quick_quality", "quick_shannon", "run_battery", "token_bytes", "token_hex",
}


def test_all_is_exactly_the_public_names_and_each_has_a_docstring():
    assert set(openentropy.__all__) == PUBLIC and openentropy.__all__[1:] == sorted(openentropy.__all__[1:])
    for name in PUBLIC - {"__version__"}:
        assert getattr(openentropy, name).__doc__, name
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        openentropy.nope  # noqa: B018


def test_version_is_the_package_metadata_version():
    from importlib.metadata import version

    assert openentropy.__version__ == version("openentropy")


def test_import_is_lazy():
    """Nothing heavy is imported until a name is used (the measured import: ~5-10 ms)."""
    code = "import sys, openentropy; print(json.dumps(sorted(m for m in ('numpy', 'dask', 'scipy', 'pydantic') if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", "import json; " + code], capture_output=True, text=True, timeout=60)
    assert json.loads(out.stdout) == []


def test_token_bytes_and_hex_like_secrets():
    a, b = openentropy.token_bytes(32), openentropy.token_bytes(32)
    assert len(a) == len(b) == 32 and a != b
    assert len(openentropy.token_bytes()) == 32 and len(openentropy.token_hex(16)) == 32
    int(openentropy.token_hex(8), 16)


def test_token_bytes_in_a_forked_child_never_repeats_the_parent():
    openentropy.token_bytes(1)  # the default harvester runs before the fork
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        os.write(write, openentropy.token_bytes(64))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        child = pipe.read()
    os.waitpid(pid, 0)
    parent = openentropy.token_bytes(64)
    assert len(child) == 64 and child != parent


def test_open_paranoid_reads_full_entropy_bytes():
    with openentropy.open("paranoid") as harvester:
        data = harvester.read(64, timeout=60)
        status = harvester.status()
        health = harvester.health()
    assert len(data) == 64 and status.mode == "full_entropy"
    assert status.drawn_bits >= 320 * status.full_entropy_blocks >= 320 * 2
    assert set(health) == {s.name for s in openentropy.load_profile("paranoid").sources}
    with pytest.raises(openentropy.HarvesterClosedError, match="closed"):
        harvester.read(1)


def test_open_takes_overrides_validated_like_a_file():
    with openentropy.open("default", pool={"mode": "drbg"}, start=False) as harvester:
        assert harvester.profile.pool.mode == "drbg" and harvester.profile.pool.input_per_block == 256
        results = list(harvester.rounds(limit=2))
        assert [r.index for r in results] == [0, 1]
    with pytest.raises(openentropy.ProfileError, match=r"pool.mode"):
        openentropy.open("default", pool={"mode": "xor"})


def test_read_times_out_clearly_when_no_credit_comes():
    text = "name: stuck\nsources: [{name: 'oe_test_sources:StuckSource'}]\npool: {mode: full_entropy}\n"
    profile = openentropy.Profile.model_validate(__import__("yaml").safe_load(text))
    with openentropy.open(profile) as harvester:
        with pytest.raises(openentropy.EntropyTimeoutError, match=r"read: 0 of 32 bytes after 0.5 s"):
            harvester.read(32, timeout=0.5)


def test_rounds_of_a_running_harvester_come_as_they_happen():
    with openentropy.open("default") as harvester:
        results = list(harvester.rounds(limit=2))
    assert len(results) == 2 and results[0].index < results[1].index


def test_entropy_pool_auto_and_the_seed_api():
    pool = openentropy.EntropyPool.auto()
    try:
        assert set(pool.sources()) == set(openentropy.detect_available_sources())
        out = pool.get_random_bytes(32)
        assert len(out) == 32 and out != pool.get_random_bytes(32)
        report = pool.health_report()
        assert report["total"] == len(pool.sources()) and report["raw_bytes"] > 0
        assert {"name", "healthy", "health", "bytes", "entropy", "credited_bits"} <= set(report["sources"][0])
    finally:
        pool.close()


def test_entropy_pool_by_hand():
    pool = openentropy.EntropyPool()
    with pytest.raises(openentropy.OpenEntropyError, match="no sources"):
        pool.get_random_bytes(1)
    pool.add_source("oe_test_sources:UniformSource", weight=2.0)
    pool.add_source("clock_jitter")
    serial = pool.collect_all()
    parallel = pool.collect_all_parallel(timeout=0.5)
    assert [s.name for s in serial.sources] == pool.sources() == [s.name for s in parallel.sources]
    assert len(pool.get_random_bytes(100)) == 100
    raw = pool.get_source_bytes("clock_jitter", 64, conditioning="raw")
    assert len(raw) == 64 and len(pool.get_source_bytes("clock_jitter", 64)) == 64
    pool.close()


def test_quality_helpers():
    data = np.random.default_rng(20_000).bytes(20_000)  # fixed: a grade on random data can vary
    assert 7.9 < openentropy.quick_shannon(data) <= 8.0 and openentropy.quick_shannon(b"aaaa") == 0.0
    report = openentropy.quick_quality(data)
    assert report.grade == "A" and 0.99 < report.compression_ratio < 1.01
    assert openentropy.quick_quality(bytes(1000)).grade == "F"
    assert openentropy.assess(data).min_entropy > 6
    assert openentropy.run_battery(data).score > 50

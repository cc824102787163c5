"""Each package's ``__all__`` names exactly the public names it exports."""

import importlib

import pytest

PACKAGES = [
    "openentropy.api",
    "openentropy.engine",
    "openentropy.sources",
    "openentropy.pipelines",
    "openentropy.pipelines.battery",
    "openentropy.pipelines.sp80022",
    "openentropy.pipelines.estimators",
    "openentropy.shell",
]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_names_resolve(package):
    module = importlib.import_module(package)
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_engine_public_api():
    engine = importlib.import_module("openentropy.engine")
    assert {"load_profile", "compile_profile", "run", "EntropyPool", "Profile", "RoundResult"} <= set(engine.__all__)
    with pytest.raises(AttributeError):
        engine.not_a_name  # noqa: B018


def test_no_bare_top_level_modules(tmp_path):
    """Installed code lives under ``openentropy.`` only; bare ``engine``/``api``/``shell`` do not import."""
    import subprocess
    import sys

    for bare in ("engine", "api", "shell", "sources", "pipelines", "profiles"):
        result = subprocess.run([sys.executable, "-c", f"import {bare}"], cwd=tmp_path, capture_output=True, timeout=60)
        assert result.returncode != 0 and b"ModuleNotFoundError" in result.stderr, bare

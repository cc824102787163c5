"""Fixtures for the REST service: small fast profiles, an in-process app, a real server.

``serve(yaml_text, ...)`` builds the app from a profile, runs its lifespan (the pools'
threads start and stop for real) and yields an ``httpx.AsyncClient`` bound to it in
process. ``live_server`` starts ``oe serve`` as a uvicorn subprocess on 127.0.0.1 and an
ephemeral port. Only 127.0.0.1 is ever used.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from openentropy.api import Settings, create_app

KEY_ENV = "OE_TEST_API_KEY"
KEY = "s3cret-test-key-4f1d2c"

#: Fast rounds, no rate limits (tests that want them set their own), raw allowed.
PROFILE = """
name: {name}
sources:
  - {{name: clock_jitter, weight: 3, samples: 2048, deadline: 20ms}}
  - {{name: os_random, weight: 1, samples: 1024, deadline: 20ms}}
pool: {{mode: sha256, os_random: true}}
sinks: [{{type: "null"}}]
run: {{bytes_per_round: 4096, interval: 50ms}}
server:
  api_key_env: {key_env}
  allow_raw: {allow_raw}
  max_bytes: 65536
  buffer_bytes: 65536
  timeout: 1s
  rate_limit: {rate_limit}
{extra}
"""
NO_LIMITS = "{requests_per_second: null, bytes_per_second: null}"


def _profile_text(name: str = "testpool", extra: str = "", key_env: str = KEY_ENV, rate_limit: str = NO_LIMITS,
                  allow_raw: bool = True) -> str:
    """The test profile; ``extra`` is YAML lines (indented two spaces) added to its ``server:``."""
    return PROFILE.format(name=name, extra=extra, key_env=key_env, rate_limit=rate_limit,
                          allow_raw=str(allow_raw).lower())


@pytest.fixture
def profile_text():
    return _profile_text


@pytest.fixture
def api_key() -> str:
    return KEY


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
def serve(tmp_path, monkeypatch):
    """``async with serve(text, key=KEY) as (client, app): ...``"""

    @contextlib.asynccontextmanager
    async def run(*texts: str, key: str | None = KEY, settings: dict | None = None):
        if key is None:
            monkeypatch.delenv(KEY_ENV, raising=False)
        else:
            monkeypatch.setenv(KEY_ENV, key)
        paths = []
        for index, text in enumerate(texts or (_profile_text(),)):
            path = tmp_path / f"p{index}.yaml"
            path.write_text(text)
            paths.append(str(path))
        app = create_app(Settings(profiles=tuple(paths), **(settings or {})))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                yield client, app

    return run


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SERVE = "from openentropy.shell.serve_command import serve_command as c; c.main(args={args!r}, prog_name='oe')"


@pytest.fixture
def live_server():
    return _live_server


@contextlib.contextmanager
def _live_server(profile_path: Path, *, env: dict | None = None, extra_args: tuple[str, ...] = ()):
    """A real ``oe serve`` (uvicorn) on 127.0.0.1; yields (base_url, process, log_path)."""
    for _ in range(3):  # the port was free a moment ago; retry if another process took it
        port = free_port()
        log_path = profile_path.with_suffix(f".{port}.log")
        args = [str(profile_path), "--host", "127.0.0.1", "--port", str(port), *extra_args]
        with open(log_path, "wb") as log:
            process = subprocess.Popen([sys.executable, "-c", SERVE.format(args=args)], stdout=log,
                                       stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        base = f"http://127.0.0.1:{port}"
        try:
            if _wait_ready(base, process, log_path):
                yield base, process, log_path
                return
        finally:
            _stop(process)
    raise RuntimeError(f"oe serve did not start; log:\n{log_path.read_text()}")


def _wait_ready(base: str, process: subprocess.Popen, log_path: Path, timeout_s: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(f"{base}/health", timeout=1.0).json().get("ready"):
                return True
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.1)
    return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    """One real server per test module, serving profile 'live' with the test key set."""
    path = tmp_path_factory.mktemp("live") / "live.yaml"
    path.write_text(_profile_text("live"))
    with _live_server(path, env={KEY_ENV: KEY}) as (base, _process, log_path):
        yield base, log_path, KEY

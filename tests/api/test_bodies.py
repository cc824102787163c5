"""Request bodies: the key is checked before any body is read, and every body is capped.

The app is called as plain ASGI with a ``receive`` that counts what the app pulls, so a
test sees how much of a body the server read, not only what it answered.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from openentropy.api.bodies import MAX_BODY_BYTES

pytestmark = pytest.mark.anyio

CHUNK = 65536


async def call(app, method: str, path: str, body_chunks: int, *, headers: dict | None = None,
               declare_length: bool = True, chunk: int = CHUNK) -> tuple[int, dict, dict, int]:
    """(status, headers, JSON body, body bytes the app received) for one request whose
    body is ``body_chunks`` chunks of ``chunk`` bytes."""
    total = body_chunks * chunk
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if declare_length:
        raw_headers.append((b"content-length", str(total).encode()))
    raw_headers.append((b"content-type", b"application/json"))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": raw_headers,
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
    sent = {"chunks": 0}
    messages = []

    async def receive():
        if sent["chunks"] < body_chunks:
            sent["chunks"] += 1
            return {"type": "http.request", "body": b" " * chunk, "more_body": sent["chunks"] < body_chunks}
        if body_chunks == 0 and not sent.get("empty"):
            sent["empty"] = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message):
        messages.append(message)

    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    response_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    return start["status"], response_headers, json.loads(body) if body else {}, sent["chunks"] * chunk


async def test_unauthenticated_load_is_refused_before_its_body_is_read(serve):
    async with serve() as (_, app):
        for declare_length in (True, False):
            status, _, body, read = await call(app, "POST", "/profiles", 4, chunk=512, declare_length=declare_length)
            assert status == 401 and body["success"] is False
            assert read == 0
            status, _, _, read = await call(app, "POST", "/profiles", 16, declare_length=declare_length)  # 1 MiB
            assert status in (401, 413) and read == 0


async def test_large_declared_body_is_413_without_reading_it(serve, api_key):
    async with serve() as (_, app):
        for method, path, headers in (("POST", "/profiles", {"X-API-Key": api_key}), ("GET", "/health", {}),
                                      ("POST", "/profiles/testpool/reload", {"X-API-Key": api_key})):
            status, response_headers, body, read = await call(app, method, path, 16, headers=headers)
            assert status == 413, (method, path)
            assert response_headers["content-type"] == "application/json"
            assert body["success"] is False and str(MAX_BODY_BYTES) in body["message"]
            assert read == 0


async def test_large_chunked_body_is_cut_off_at_the_cap(serve, api_key):
    async with serve() as (_, app):
        status, _, body, read = await call(app, "POST", "/profiles", 1024, headers={"X-API-Key": api_key},
                                           declare_length=False)  # 64 MiB, never declared
        assert status == 413 and str(MAX_BODY_BYTES) in body["message"]
        assert read <= MAX_BODY_BYTES + CHUNK  # it stopped at the first chunk past the cap


async def test_small_bodies_still_work(serve, api_key):
    async with serve() as (client, _):
        headers = {"X-API-Key": api_key}
        assert (await client.post("/profiles", content=b"{nope", headers=headers)).status_code == 400
        missing = await client.post("/profiles", json={}, headers=headers)
        assert missing.status_code == 400 and "profile" in missing.json()["message"]
        assert (await client.request("GET", "/health", content=b"x" * 100)).status_code == 200


def test_live_server_answers_413_before_the_body_arrives(live_api):
    base, _, key = live_api
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(f"POST /profiles HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {key}\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {64 << 20}\r\n\r\n{{".encode())
        started = time.monotonic()
        reply = conn.recv(65536)
        assert reply.startswith(b"HTTP/1.1 413") and time.monotonic() - started < 5


async def test_load_body_takes_only_the_profile(serve, api_key):
    async with serve() as (client, _):
        extra = await client.post("/profiles", json={"profile": "fast", "force": True}, headers={"X-API-Key": api_key})
        assert extra.status_code == 400 and extra.json()["message"].startswith("force:")

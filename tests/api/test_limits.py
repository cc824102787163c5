"""Rate limits (429 + Retry-After), the output buffer, and 503 when a pool cannot deliver."""

from __future__ import annotations

import threading
import time

import pytest

from openentropy.api.buffer import OutputBuffer
from openentropy.api.ratelimit import RateLimiter
from openentropy.api.profile_section import RateLimitSpec


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_request_bucket_refills_and_separates_clients():
    clock = Clock()
    limiter = RateLimiter(RateLimitSpec(requests_per_second=2, burst=3, bytes_per_second=None), 4096, clock=clock)
    assert [limiter.request("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.request("a") == pytest.approx(0.5)
    assert limiter.request("b") == 0.0  # another client has its own bucket
    clock.now += 0.5
    assert limiter.request("a") == 0.0
    assert limiter.limited == 1


def test_byte_bucket_holds_at_least_one_largest_request():
    clock = Clock()
    limiter = RateLimiter(RateLimitSpec(requests_per_second=None, bytes_per_second=100), 5000, clock=clock)
    assert limiter.spend_bytes("a", 5000) == 0.0  # capacity is max(rate, max_bytes)
    assert limiter.spend_bytes("a", 200) == pytest.approx(2.0)
    assert limiter.request("a") == 0.0  # requests unlimited


def test_client_table_is_bounded():
    limiter = RateLimiter(RateLimitSpec(requests_per_second=1, burst=1, bytes_per_second=None), 4096, max_clients=10)
    for i in range(1000):
        limiter.request(f"c{i}")
    assert len(limiter._buckets) <= 20



@pytest.mark.anyio
async def test_requests_over_the_limit_get_429_with_retry_after(serve, profile_text):
    limits = "{requests_per_second: 0.5, burst: 3, bytes_per_second: null}"
    async with serve(profile_text(rate_limit=limits)) as (client, _):
        codes = [(await client.get("/api/v1/random", params={"length": 1})).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        refused = await client.get("/api/v1/bytes", params={"n": 1})
        assert refused.status_code == 429
        assert refused.json()["success"] is False and "rate limit" in refused.json()["message"]
        assert int(refused.headers["retry-after"]) >= 1
        assert (await client.get("/health")).status_code == 200  # health is never limited
        assert "\noe_rate_limited_total 1.0\n" in (await client.get("/metrics")).text


@pytest.mark.anyio
async def test_bytes_over_the_limit_get_429(serve, profile_text):
    limits = "{requests_per_second: null, bytes_per_second: 1024}"
    async with serve(profile_text(rate_limit=limits)) as (client, _):
        assert (await client.get("/api/v1/bytes", params={"n": 65536})).status_code == 200
        refused = await client.get("/api/v1/random", params={"length": 1024})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


def test_buffer_hands_each_byte_out_once():
    buffer = OutputBuffer(100, low_water=10)
    assert buffer.put(bytes(range(80))) == 80
    assert buffer.put(bytes(range(80, 130))) == 20 and buffer.discarded == 30
    assert buffer.take(60) == bytes(range(60))
    assert buffer.take(41) is None  # short: nothing is taken
    assert buffer.take(40) == bytes(range(60, 100))
    assert len(buffer) == 0


def test_buffer_wait_take_times_out_and_wakes():
    buffer = OutputBuffer(64)
    started = time.monotonic()
    assert buffer.wait_take(8, 0.1) is None and 0.09 <= time.monotonic() - started < 2
    timer = threading.Timer(0.05, buffer.put, (b"x" * 16,))
    timer.start()
    assert buffer.wait_take(8, 5.0) == b"x" * 8
    timer.join()
    assert buffer.wait_for_demand(0.01) == 56  # below low water: the producer is asked for the rest


STARVED = """
name: starved
sources:
  - {name: "oe_test_sources:StuckSource", samples: 256, deadline: 20ms}
pool: {mode: full_entropy, os_random: false, timeout: 100ms}
sinks: [{type: "null"}]
run: {bytes_per_round: 1024, interval: 50ms}
server: {timeout: 300ms, rate_limit: {requests_per_second: null, bytes_per_second: null}}
"""


@pytest.mark.anyio
async def test_pool_that_cannot_deliver_gives_503_with_retry_after_not_a_hang(serve):
    async with serve(STARVED) as (client, _):
        started = time.monotonic()
        response = await client.get("/api/v1/random", params={"length": 16})
        assert time.monotonic() - started < 3
        assert response.status_code == 503 and response.headers["retry-after"] == "1"
        assert "could not deliver 16 bytes" in response.json()["message"]
        assert (await client.get("/api/v1/bytes", params={"n": 16})).status_code == 503
        stream = await client.get("/api/v1/stream", params={"limit": 100})
        assert stream.status_code == 200 and stream.content == b""  # the stream just ends
        health = (await client.get("/health")).json()
        assert health["status"] == "degraded" and health["sources_healthy"] == 0

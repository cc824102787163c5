"""``/metrics``: Prometheus exposition with a bounded set of series."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.anyio


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """{(sample name, labels): value} of an exposition (parsing it checks its format)."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def series(text: str, name: str) -> int:
    return sum(1 for sample_name, _ in samples(text) if sample_name == name)


async def test_metrics(serve):
    async with serve() as (client, _):
        await client.get("/api/v1/random", params={"length": 10})
        await client.get("/api/v1/random", params={"length": 0})
        await client.get("/no/such/path")
        response = await client.get("/metrics")
        assert response.headers["content-type"].startswith("text/plain; version=")
        found = samples(response.text)

        def value(name: str, **labels) -> float:
            return found[(name, frozenset(labels.items()))]

        assert value("oe_http_requests_total", route="/api/v1/random", method="GET", status="200") == 1
        assert value("oe_http_requests_total", route="/api/v1/random", method="GET", status="400") == 1
        assert value("oe_http_requests_total", route="<unmatched>", method="GET", status="404") == 1
        assert value("oe_http_request_duration_seconds_count", route="/api/v1/random") == 2
        assert value("oe_bytes_served_total", profile="testpool") == 10
        assert value("oe_source_health_failures_total", profile="testpool", source="clock_jitter") >= 0
        assert value("oe_source_healthy", profile="testpool", source="clock_jitter") in (0, 1)
        assert value("oe_pool_credited_bits_total", profile="testpool") >= 0
        assert value("oe_rate_limited_total") == 0
        assert value("process_resident_memory_bytes") > 0  # process metrics come with the registry


async def test_made_up_methods_and_paths_add_no_series(serve):
    async with serve() as (client, _):
        await client.request("BREW", "/api/v1/random")  # one of each kind of request below
        await client.request("X", "/nothing/0")
        await client.get("/nothing/0/deeper")
        await client.get("/metrics")
        before = (await client.get("/metrics")).text
        for i in range(300):
            await client.request(f"BREW{i}", "/api/v1/random")
            await client.request(f"X{i}", f"/nothing/{i}")
            await client.get(f"/nothing/{i}/deeper")
        after = (await client.get("/metrics")).text
        for name in ("oe_http_requests_total", "oe_http_request_duration_seconds_count"):
            assert series(after, name) == series(before, name), name
        assert 'method="other"' in after and 'route="<unmatched>"' in after
        assert "BREW1" not in after and "/nothing/1" not in after
        assert len(after) < len(before) + 2000


async def test_each_app_has_its_own_registry(serve, profile_text):
    async with serve(profile_text("one")) as (client, _):
        for _ in range(3):
            await client.get("/health")
        first = samples((await client.get("/metrics")).text)
    async with serve(profile_text("two")) as (client, _):
        second = samples((await client.get("/metrics")).text)
    health = ("oe_http_requests_total", frozenset({"route": "/health", "method": "GET", "status": "200"}.items()))
    assert first[health] == 3 and health not in second

"""The app in process: every endpoint, its documented errors, and output never repeating."""

from __future__ import annotations

import json

import anyio
import pytest

pytestmark = pytest.mark.anyio


async def test_anu_uint8_at_both_paths(serve):
    async with serve() as (client, _):
        for path in ("/API/jsonI.php", "/api/v1/random"):
            response = await client.get(path, params={"length": 10, "type": "uint8"})
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
            body = response.json()
            assert set(body) == {"type", "length", "data", "success"}
            assert body["type"] == "uint8" and body["length"] == 10 and body["success"] is True
            assert len(body["data"]) == 10 and all(isinstance(v, int) and 0 <= v <= 255 for v in body["data"])


async def test_anu_uint16_counts_values_not_bytes(serve):
    async with serve() as (client, _):
        body = (await client.get("/api/v1/random", params={"length": 1024, "type": "uint16"})).json()
        assert body["type"] == "uint16" and body["length"] == 1024 and len(body["data"]) == 1024
        assert all(0 <= v <= 65535 for v in body["data"]) and max(body["data"]) > 255


async def test_anu_hex16_strings_of_size_bytes(serve):
    async with serve() as (client, _):
        body = (await client.get("/API/jsonI.php", params={"length": 5, "type": "hex16", "size": 3})).json()
        assert body == {**body, "type": "string", "length": 5, "size": 3, "success": True}
        assert list(body) == ["type", "length", "size", "data", "success"]
        assert len(body["data"]) == 5
        for value in body["data"]:
            assert len(value) == 6 and int(value, 16) >= 0 and value == value.lower()
        default = (await client.get("/API/jsonI.php", params={"length": 2, "type": "hex16"})).json()
        assert default["size"] == 1 and all(len(v) == 2 for v in default["data"])


@pytest.mark.parametrize(
    "params, name, allowed",
    [
        ({"length": 0}, "length", "1 to 1024"),
        ({"length": 1025}, "length", "1 to 1024"),
        ({"length": "ten"}, "length", "1 to 1024"),
        ({}, "length", "required"),
        ({"length": 4, "type": "uint32"}, "type", "uint8, uint16, hex16"),
        ({"length": 4, "type": "hex16", "size": 0}, "size", "1 to 1024"),
        ({"length": 4, "type": "hex16", "size": 2000}, "size", "1 to 1024"),
        ({"length": 4, "conditioning": "md5"}, "conditioning", "raw, von_neumann, sha256"),
        ({"length": 4, "source": "nope"}, "source", "clock_jitter, os_random"),
        ({"length": 4, "profile": "nope"}, "profile", "served: testpool"),
    ],
)
async def test_anu_bad_parameters_are_400_naming_them(serve, params, name, allowed):
    async with serve() as (client, _):
        for path in ("/API/jsonI.php", "/api/v1/random"):
            response = await client.get(path, params=params)
            assert response.status_code == 400
            body = response.json()
            assert body["success"] is False
            assert body["message"].startswith(f"{name}:") and allowed in body["message"], body


async def test_request_bigger_than_max_bytes_is_413(serve):
    async with serve() as (client, _):
        response = await client.get("/api/v1/random", params={"length": 1024, "type": "hex16", "size": 1024})
        assert response.status_code == 413
        assert "65536" in response.json()["message"] and "server.max_bytes" in response.json()["message"]
        too_many = await client.get("/api/v1/bytes", params={"n": 65537})  # one parameter out of its range
        assert too_many.status_code == 400 and "n: must be an integer from 1 to 65536" in too_many.json()["message"]


async def test_bytes_endpoint(serve):
    async with serve() as (client, _):
        response = await client.get("/api/v1/bytes", params={"n": 1000})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/octet-stream"
        assert len(response.content) == 1000
        for bad in ("0", "-5", "x", ""):
            response = await client.get("/api/v1/bytes", params={"n": bad})
            assert response.status_code == 400 and response.json()["message"].startswith("n:")


async def test_output_never_repeats_across_requests(serve):
    async with serve() as (client, _):
        chunks = []

        async def fetch():
            chunks.append((await client.get("/api/v1/bytes", params={"n": 32})).content)

        async with anyio.create_task_group() as group:
            for _ in range(200):
                group.start_soon(fetch)
        assert len(chunks) == 200 and all(len(c) == 32 for c in chunks)
        assert len(set(chunks)) == 200


async def test_source_and_conditioning_extras(serve, api_key):
    async with serve() as (client, _):
        for conditioning in ("sha256", "von_neumann"):
            body = (await client.get("/api/v1/random", params={"length": 16, "source": "clock_jitter",
                                                                "conditioning": conditioning})).json()
            assert body["success"] and len(body["data"]) == 16
        pooled = await client.get("/api/v1/random", params={"length": 16, "conditioning": "von_neumann"})
        assert pooled.status_code == 200 and len(pooled.json()["data"]) == 16
        raw = await client.get("/api/v1/bytes", params={"n": 64, "source": "clock_jitter", "conditioning": "raw"},
                               headers={"X-API-Key": api_key})
        assert raw.status_code == 200 and len(raw.content) == 64


async def test_raw_needs_the_key_and_allow_raw(serve, profile_text, api_key):
    async with serve() as (client, _):
        params = {"length": 8, "source": "clock_jitter", "conditioning": "raw"}
        assert (await client.get("/api/v1/random", params=params)).status_code == 401
        wrong = await client.get("/api/v1/random", params=params, headers={"Authorization": "Bearer wrong"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        right = await client.get("/api/v1/random", params=params, headers={"Authorization": f"Bearer {api_key}"})
        assert right.status_code == 200
    async with serve(profile_text(allow_raw=False)) as (client, _):
        refused = await client.get("/api/v1/random", params=params, headers={"X-API-Key": api_key})
        assert refused.status_code == 403 and "allow_raw" in refused.json()["message"]


async def test_stream_with_limit(serve):
    async with serve() as (client, _):
        response = await client.get("/api/v1/stream", params={"limit": 10000, "chunk": 1000})
        assert response.status_code == 200 and response.headers["content-type"] == "application/octet-stream"
        assert len(response.content) == 10000
        assert (await client.get("/api/v1/stream", params={"chunk": 0})).status_code == 400


async def test_health_sources_pool_status(serve):
    async with serve() as (client, _):
        health = (await client.get("/health")).json()
        assert health["ready"] is True and health["profile"] == "testpool" and health["sources_total"] == 2
        assert health["status"] in ("healthy", "degraded")
        sources = (await client.get("/sources")).json()
        assert sources["total"] == 2 and [s["name"] for s in sources["sources"]] == ["clock_jitter", "os_random"]
        for s in sources["sources"]:
            assert {"name", "healthy", "bytes", "entropy", "min_entropy", "time", "failures"} <= set(s)
            assert {"health", "health_failures", "credited_bits", "physical"} <= set(s)
        assert sources["sources"][1]["credited_bits"] == 0  # the reference source is never credited
        status = (await client.get("/pool/status")).json()
        for field in ("sources_healthy", "total", "raw_bytes", "output_bytes", "buffer_size", "sources",
                      "credited_bits", "balance_bits", "drawn_bits", "rounds", "buffered_output"):
            assert field in status
        assert status["mode"] == "sha256" and status["rounds"] >= 1 and status["raw_bytes"] > 0
        # where every credited bit went: still buffered, hashed into the state, or dropped
        ledger = status["balance_bits"] + status["hashed_bits"] + status["dropped_bits"]
        assert abs(status["credited_bits"] - ledger) <= 1e-6 * max(1.0, status["credited_bits"])
        assert status["drawn_bits"] >= 320 * status["full_entropy_blocks"]
        assert (await client.get("/health", params={"profile": "nope"})).status_code == 400


async def test_events_are_server_sent(serve):
    async with serve(settings={"events_interval_s": 0.05}) as (client, _):
        response = await client.get("/events", params={"count": 3})
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [block for block in response.text.split("\n\n") if block]
        assert len(events) == 3
        for index, block in enumerate(events, 1):
            lines = dict(line.split(": ", 1) for line in block.splitlines())
            assert lines["event"] == "status" and lines["id"] == str(index)
            assert json.loads(lines["data"])["profile"] == "testpool"


async def test_profiles_list_and_show(serve, profile_text, api_key):
    async with serve(profile_text("first"), profile_text("second")) as (client, _):
        listing = (await client.get("/profiles")).json()
        assert listing["default"] == "first" and [p["name"] for p in listing["served"]] == ["first", "second"]
        assert "server" in listing["shipped"] and "default" in listing["shipped"]
        key = {"X-API-Key": api_key}
        shown = (await client.get("/profiles/second", headers=key)).json()
        assert shown["served"] is True and shown["profile"]["name"] == "second"
        shipped = (await client.get("/profiles/paranoid", headers=key)).json()
        assert shipped["served"] is False and shipped["profile"]["pool"]["mode"] == "full_entropy"
        missing = await client.get("/profiles/nope", headers=key)
        assert missing.status_code == 404 and "served: first, second" in missing.json()["message"]
        second = (await client.get("/api/v1/random", params={"length": 4, "profile": "second"})).json()
        assert second["success"]
        assert (await client.get("/pool/status", params={"profile": "second"})).json()["profile"] == "second"


async def test_openapi_documents_every_route_with_a_response_model(serve):
    async with serve() as (client, _):
        assert (await client.get("/docs")).status_code == 200
        spec = (await client.get("/openapi.json")).json()
        paths = spec["paths"]
        for path in ("/API/jsonI.php", "/api/v1/random", "/api/v1/bytes", "/api/v1/stream", "/health", "/sources",
                     "/pool/status", "/profiles", "/profiles/{name}", "/profiles/{name}/reload", "/events", "/metrics"):
            assert path in paths, path
            for operation in paths[path].values():
                assert operation["responses"]["200" if "201" not in operation["responses"] else "201"]["content"]
        assert paths["/api/v1/random"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


async def test_unknown_route_is_json_404(serve):
    async with serve() as (client, _):
        response = await client.get("/nothing")
        assert response.status_code == 404 and response.json()["success"] is False


async def test_cors_off_by_default_and_configurable(serve, profile_text):
    async with serve() as (client, _):
        response = await client.get("/health", headers={"Origin": "http://example.test"})
        assert "access-control-allow-origin" not in response.headers
    extra = "  cors_origins: ['http://example.test']"
    async with serve(profile_text(extra=extra)) as (client, _):
        response = await client.get("/health", headers={"Origin": "http://example.test"})
        assert response.headers["access-control-allow-origin"] == "http://example.test"
        other = await client.get("/health", headers={"Origin": "http://other.test"})
        assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("length", [1, 2, 3, 511, 1024])
def test_anu_encoding_matches_json_of_the_bytes(length):
    import os

    from openentropy.api import anu

    data = os.urandom(3 * length)
    uint8 = json.loads(anu.encode(anu.AnuRequest("uint8", length), data[:length]))
    assert uint8 == {"type": "uint8", "length": length, "data": list(data[:length]), "success": True}
    uint16 = json.loads(anu.encode(anu.AnuRequest("uint16", length), data[: 2 * length]))
    assert uint16["data"] == [int.from_bytes(data[i : i + 2], "big") for i in range(0, 2 * length, 2)]
    hex16 = json.loads(anu.encode(anu.AnuRequest("hex16", length, 3), data))
    assert hex16 == {"type": "string", "length": length, "size": 3,
                     "data": [data[i : i + 3].hex() for i in range(0, 3 * length, 3)], "success": True}
    with pytest.raises(ValueError):
        anu.encode(anu.AnuRequest("uint8", length), data[: length + 1])

"""The OpenAPI document in process: ranges, enums, the key, and what the server enforces.

test_schema.py runs schemathesis against a real server; these check the same contract
directly, one rule at a time.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.anyio


def parameters(document: dict, path: str, method: str = "get") -> dict:
    return {p["name"]: p for p in document["paths"][path][method].get("parameters", [])}


async def test_document_says_what_the_server_accepts(serve, profile_text):
    async with serve(profile_text("first"), profile_text("second")) as (client, _):
        document = (await client.get("/openapi.json")).json()
        anu = parameters(document, "/api/v1/random")
        assert anu["length"]["required"] and anu["length"]["schema"] == {"type": "integer", "minimum": 1,
                                                                         "maximum": 1024}
        assert anu["type"]["schema"]["enum"] == ["uint8", "uint16", "hex16"]
        assert anu["size"]["schema"]["maximum"] == 1024
        assert anu["conditioning"]["schema"]["enum"] == ["raw", "von_neumann", "sha256"]
        assert anu["source"]["schema"]["enum"] == ["clock_jitter", "os_random"]
        assert parameters(document, "/api/v1/bytes")["n"]["schema"]["maximum"] == 65536  # server.max_bytes
        for path in ("/API/jsonI.php", "/api/v1/bytes", "/api/v1/stream", "/health", "/sources", "/pool/status",
                     "/events"):
            assert parameters(document, path)["profile"]["schema"] == {"type": "string", "enum": ["first", "second"]}
        assert parameters(document, "/api/v1/stream")["chunk"]["schema"]["type"] == "integer"
        body = document["paths"]["/profiles"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert "fast" in body["properties"]["profile"]["enum"] and body["required"] == ["profile"]
        assert body["additionalProperties"] is False
        assert set(document["components"]["securitySchemes"]) == {"bearer", "apiKey"}
        assert document["paths"]["/profiles"]["post"]["security"] and "security" not in document["paths"]["/profiles"]["get"]
        codes = {code for item in document["paths"].values() for op in item.values() for code in op["responses"]}
        assert "422" not in codes and "HTTPValidationError" not in document["components"]["schemas"]


async def test_document_follows_the_served_profiles(serve, api_key):
    async with serve() as (client, _):
        before = (await client.get("/openapi.json")).json()
        assert parameters(before, "/health")["profile"]["schema"]["enum"] == ["testpool"]
        assert (await client.post("/profiles", json={"profile": "fast"}, headers={"X-API-Key": api_key})).status_code == 201
        after = (await client.get("/openapi.json")).json()
        assert parameters(after, "/health")["profile"]["schema"]["enum"] == ["testpool", "fast"]


@pytest.mark.parametrize("params, name", [
    ({"length": 4, "type": ""}, "type"),
    ({"length": 4, "size": ""}, "size"),
    ({"length": 4, "conditioning": ""}, "conditioning"),
    ({"length": 4, "profile": ""}, "profile"),
    ({"length": "+4"}, "length"),
    ({"length": " 4"}, "length"),
    ({"length": "1_0"}, "length"),
    ({"length": "9" * 5000}, "length"),
])
async def test_values_outside_the_schema_are_400(serve, params, name):
    async with serve() as (client, _):
        response = await client.get("/api/v1/random", params=params)
        assert response.status_code == 400 and response.json()["message"].startswith(f"{name}:")
        assert (await client.get("/health", params={"profile": ""})).status_code == 400


@pytest.mark.parametrize("method, path, allow", [
    ("PUT", "/profiles", "GET, POST"),
    ("DELETE", "/api/v1/random", "GET"),
    ("HEAD", "/api/v1/random", "GET"),
    ("OPTIONS", "/API/jsonI.php", "GET"),
    ("GET", "/profiles/testpool/reload", "POST"),
])
async def test_405_allows_every_method_of_the_path(serve, method, path, allow):
    async with serve() as (client, _):
        response = await client.request(method, path)
        assert response.status_code == 405 and response.headers["allow"] == allow
        if method != "HEAD":
            assert response.json()["success"] is False

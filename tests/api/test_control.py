"""API key: control and raw-data routes, constant-time comparison, keys kept out of logs."""

from __future__ import annotations

import logging

import pytest

from openentropy.api.settings import ApiKey

pytestmark = pytest.mark.anyio


def test_api_key_compares_and_hides_itself():
    key = ApiKey("K", "abc123")
    assert key.enabled and key.matches("abc123")
    assert not key.matches("abc124") and not key.matches("") and not key.matches(None)
    assert "abc123" not in repr(key) and "set" in repr(key)
    disabled = ApiKey("K", None)
    assert not disabled.enabled and not disabled.matches("anything")


def test_api_key_uses_constant_time_comparison(monkeypatch):
    import hmac

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert ApiKey("K", "abc").matches("abc")
    assert calls == [(b"abc", b"abc")]


async def test_control_disabled_without_a_key(serve):
    async with serve(key=None) as (client, _):
        for call in (client.post("/profiles/testpool/reload"), client.post("/profiles", json={"profile": "fast"})):
            response = await call
            assert response.status_code == 403
            assert "disabled" in response.json()["message"] and "OE_TEST_API_KEY" in response.json()["message"]
        raw = await client.get("/api/v1/bytes", params={"n": 8, "source": "os_random", "conditioning": "raw"},
                               headers={"X-API-Key": "guess"})
        assert raw.status_code == 403


async def test_reload_swaps_in_a_fresh_pool(serve, api_key):
    async with serve() as (client, app):
        before = app.state.server.pools["testpool"]
        assert (await client.post("/profiles/testpool/reload")).status_code == 401
        assert (await client.post("/profiles/testpool/reload", headers={"X-API-Key": "no"})).status_code == 401
        response = await client.post("/profiles/testpool/reload", headers={"X-API-Key": api_key})
        assert response.status_code == 200 and response.json() == {
            "success": True, "profile": "testpool", "message": "reloaded 'testpool'"}
        after = app.state.server.pools["testpool"]
        assert after is not before and after.ready
        assert (await client.get("/api/v1/random", params={"length": 4})).status_code == 200
        missing = await client.post("/profiles/nope/reload", headers={"X-API-Key": api_key})
        assert missing.status_code == 404


async def test_load_a_shipped_profile(serve, api_key):
    async with serve() as (client, _):
        headers = {"Authorization": f"Bearer {api_key}"}
        assert (await client.post("/profiles", json={"profile": "fast"})).status_code == 401
        path = await client.post("/profiles", json={"profile": "/etc/passwd"}, headers=headers)
        assert path.status_code == 400 and "shipped" in path.json()["message"]
        loaded = await client.post("/profiles", json={"profile": "fast"}, headers=headers)
        assert loaded.status_code == 201 and loaded.json()["profile"] == "fast"
        assert (await client.post("/profiles", json={"profile": "fast"}, headers=headers)).status_code == 409
        body = (await client.get("/api/v1/random", params={"length": 8, "profile": "fast"})).json()
        assert body["success"] and len(body["data"]) == 8
        assert [p["name"] for p in (await client.get("/profiles")).json()["served"]] == ["testpool", "fast"]


async def test_key_never_logged(serve, api_key, caplog):
    caplog.set_level(logging.DEBUG)
    async with serve() as (client, app):
        await client.post("/profiles/testpool/reload", headers={"X-API-Key": api_key})
        await client.post("/profiles/testpool/reload", headers={"Authorization": "Bearer wrong-key-zz9"})
        await client.get("/api/v1/random", params={"length": 2, "source": "os_random", "conditioning": "raw"},
                         headers={"X-API-Key": "wrong-key-zz9"})
        text = caplog.text + repr(app.state.server) + (await client.get("/metrics")).text
    assert "rejected" in caplog.text  # refusals are logged ...
    assert api_key not in text and "wrong-key-zz9" not in text  # ... without any key


async def test_resolved_profile_needs_the_key(serve, profile_text, api_key, tmp_path, monkeypatch):
    secret_dir = tmp_path / "secret-dir-7q2"
    monkeypatch.setenv("OE_TEST_SINK_DIR", str(secret_dir))
    text = profile_text().replace('sinks: [{type: "null"}]', 'sinks: [{type: file, path: "${OE_TEST_SINK_DIR}/out.bin"}]')
    async with serve(text) as (client, _):
        for name in ("testpool", "paranoid"):  # served (from a file) and shipped
            refused = await client.get(f"/profiles/{name}")
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
            assert "secret-dir-7q2" not in refused.text and "resolved profile" in refused.json()["message"]
        shown = await client.get("/profiles/testpool", headers={"X-API-Key": api_key})
        assert shown.status_code == 200 and shown.json()["profile"]["sinks"][0]["path"] == f"{secret_dir}/out.bin"
        listing = await client.get("/profiles")
        assert listing.status_code == 200 and "secret-dir-7q2" not in listing.text  # summaries stay open
    async with serve(text, key=None) as (client, _):
        assert (await client.get("/profiles/testpool")).status_code == 403

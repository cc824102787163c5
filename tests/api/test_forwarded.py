"""Forwarded headers: trusted only from the proxies the server names.

A client that names other clients in ``X-Forwarded-For`` must not get their rate-limit
buckets; a trusted proxy's ``X-Forwarded-For`` is honoured.
"""

from __future__ import annotations

import httpx
import pytest

LIMITS = "{requests_per_second: 0.5, burst: 5, bytes_per_second: null}"
REQUESTS = 40


def _limited(base: str, forwarded: list[str | None]) -> int:
    """How many of the requests (one per entry, that X-Forwarded-For or none) got 429."""
    with httpx.Client(base_url=base, timeout=10) as client:
        codes = []
        for value in forwarded:
            headers = {"X-Forwarded-For": value} if value else {}
            codes.append(client.get("/api/v1/random", params={"length": 1}, headers=headers).status_code)
    assert set(codes) <= {200, 429}, codes
    return codes.count(429)


def test_forged_forwarded_for_does_not_escape_the_rate_limit(tmp_path, live_server, profile_text):
    path = tmp_path / "limited.yaml"
    path.write_text(profile_text("limited", rate_limit=LIMITS))
    with live_server(path) as (base, _process, _log):
        forged = [f"198.51.100.{i}" for i in range(REQUESTS)]
        assert _limited(base, forged) >= REQUESTS - 10  # one client, one bucket: the burst, then 429s


def test_a_trusted_proxy_names_the_client(tmp_path, live_server, profile_text):
    path = tmp_path / "proxied.yaml"
    path.write_text(profile_text("proxied", rate_limit=LIMITS))
    with live_server(path, extra_args=("--trusted-proxy", "127.0.0.1")) as (base, _process, _log):
        assert _limited(base, [f"198.51.100.{i}" for i in range(REQUESTS)]) == 0  # each client its own bucket
        # the address the proxy appended last is the client; earlier entries are the client's own claims
        assert _limited(base, [f"10.9.9.{i}, 203.0.113.7" for i in range(REQUESTS)]) >= REQUESTS - 10


def test_the_profile_names_its_trusted_proxies(tmp_path, live_server, profile_text):
    path = tmp_path / "proxied.yaml"
    path.write_text(profile_text("proxied", rate_limit=LIMITS, extra="  trusted_proxies: [127.0.0.0/8]\n"))
    with live_server(path) as (base, _process, _log):
        assert _limited(base, [f"198.51.100.{i}" for i in range(REQUESTS)]) == 0  # each client its own bucket


def test_serve_rejects_a_bad_trusted_proxy():
    from click.testing import CliRunner

    from openentropy.shell.serve_command import serve_command

    result = CliRunner().invoke(serve_command, ["--trusted-proxy", "not-an-address"])
    assert result.exit_code == 2 and "not-an-address" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "peer, header, client",
    [
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),  # the trusted proxy names the client
        ("192.0.2.9", "198.51.100.1", "192.0.2.9"),  # an untrusted peer: header ignored
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the left entry is the client's own claim
        ("127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),  # 10.1.2.3 is a trusted inner proxy
        ("127.0.0.1", "10.1.2.3", "10.1.2.3"),  # only proxies: the left-most
        ("127.0.0.1", "garbage, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "", "127.0.0.1"),
        ("::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_forwarded_client(peer, header, client):
    from openentropy.api.proxies import forwarded_client, parse_proxies

    assert forwarded_client(peer, header, parse_proxies(["127.0.0.1", "::1", "10.0.0.0/8"])) == client


def test_parse_proxies_names_the_bad_entry():
    from openentropy.api.proxies import parse_proxies

    assert [str(n) for n in parse_proxies(["10.0.0.0/8", "::1"])] == ["10.0.0.0/8", "::1/128"]
    with pytest.raises(ValueError, match="'10.0.0.300'"):
        parse_proxies(["10.0.0.300"])


@pytest.mark.anyio
async def test_app_applies_forwarded_headers_only_from_trusted_peers(serve, profile_text):
    limits = "{requests_per_second: 0.001, burst: 1, bytes_per_second: null}"
    async with serve(profile_text(rate_limit=limits), settings={"trusted_proxies": ("127.0.0.1",)}) as (client, _):
        codes = [(await client.get("/api/v1/random", params={"length": 1},
                                   headers={"X-Forwarded-For": f"198.51.100.{i}"})).status_code for i in range(5)]
        assert codes == [200] * 5  # the test client's peer is 127.0.0.1: trusted
    async with serve(profile_text(rate_limit=limits)) as (client, _):
        codes = [(await client.get("/api/v1/random", params={"length": 1},
                                   headers={"X-Forwarded-For": f"198.51.100.{i}"})).status_code for i in range(5)]
        assert codes == [200, 429, 429, 429, 429]  # no trusted proxies: one client

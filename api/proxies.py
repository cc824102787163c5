"""Who sent a request: the peer address, or the client a trusted proxy forwarded for.

Rate limits are per client address (ratelimit.py), so that address must be one a client
cannot choose. ``X-Forwarded-For`` is a header like any other: every client can write
it. It names the real client only when the peer that sent it is a reverse proxy the
operator trusts, so:

    trusted proxies   none (the default)   forwarded headers are ignored; the peer
                                           address is the client
                      addresses/networks   a request whose peer is one of them is
                      ("10.0.0.2", "::1",  rewritten: ``scope["client"]`` becomes the
                      "10.0.0.0/8")        forwarded client, ``scope["scheme"]`` follows
                                           ``X-Forwarded-Proto`` (http or https)

Which entry of ``X-Forwarded-For: a, b, c`` is the client: each proxy appends the
address it received the request from, so the list is read from the right, skipping the
trusted proxies; the first address that is not one is the client. Entries to its left
were written by that client (or by proxies nobody vouches for) and are not believed.
When every entry is a trusted proxy, the left-most is the client.

``oe serve`` runs uvicorn with ``proxy_headers=False`` (uvicorn trusts loopback peers by
default, which lets any local client name itself after others) and installs
``ForwardedMiddleware`` only when there are trusted proxies: without any, requests pay
nothing. An app served by another ASGI server must turn that server's own proxy-header
handling off in the same way.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(values: Iterable[str]) -> tuple[Network, ...]:
    """Networks for trusted-proxy entries (a bare address is a one-address network);
    ``ValueError`` naming the first entry that is neither."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
        except ValueError:
            raise ValueError(f"trusted proxy {value!r} is not an IP address or network "
                             "(e.g. 10.0.0.2, ::1 or 10.0.0.0/8)") from None
    return tuple(networks)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: tuple[Network, ...]) -> str:
    """The client address for a request from ``peer`` carrying ``forwarded_for``
    (comma-separated ``X-Forwarded-For`` values, all of them joined)."""
    if not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


class ForwardedMiddleware:
    """Pure ASGI: applies a trusted proxy's ``X-Forwarded-For``/``-Proto`` to the scope."""

    def __init__(self, app, networks: tuple[Network, ...]):
        self.app = app
        self.networks = networks

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("client") and _is_trusted(scope["client"][0], self.networks):
            scope = self._rewritten(scope)
        await self.app(scope, receive, send)

    def _rewritten(self, scope: dict) -> dict:
        peer, port = scope["client"]
        joined = {b"x-forwarded-for": [], b"x-forwarded-proto": []}
        for name, value in scope["headers"]:
            if name in joined:
                joined[name].append(value.decode("latin-1"))
        scope = dict(scope)
        if joined[b"x-forwarded-for"]:
            client = forwarded_client(peer, ",".join(joined[b"x-forwarded-for"]), self.networks)
            scope["client"] = (client, port if client == peer else 0)
        proto = ",".join(joined[b"x-forwarded-proto"]).rsplit(",", 1)[-1].strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto
        return scope

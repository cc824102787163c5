"""Per-client rate limits: token buckets keyed by the client's IP address.

Two buckets per client, both from the profile's ``server.rate_limit``:

    requests   refills ``requests_per_second``, holds ``burst``; every limited request costs 1
    bytes      refills ``bytes_per_second``, holds max(bytes_per_second, server.max_bytes)
               so that any request the size limit allows can pass; costs its byte count

An empty bucket means 429 with ``Retry-After`` = seconds until it holds enough again.
Streams are throttled instead (they wait for tokens between chunks).

State: ``_buckets :: OrderedDict[(kind, client), [tokens, updated]]``, least recently
seen first, at most ``max_clients`` entries per kind; the oldest is forgotten beyond that
(a forgotten client starts again with a full bucket), so memory stays bounded.
Everything runs on the event loop, so no lock is needed.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from openentropy.api.profile_section import RateLimitSpec


class RateLimiter:
    def __init__(self, spec: RateLimitSpec, max_bytes: int, *, max_clients: int = 10_000, clock=time.monotonic):
        self.spec = spec
        self.max_clients = max_clients
        self._clock = clock
        self._rates = {
            "requests": (spec.requests_per_second, float(spec.burst)),
            "bytes": (spec.bytes_per_second, float(max(spec.bytes_per_second or 0, max_bytes))),
        }
        self._buckets: OrderedDict[tuple[str, str], list[float]] = OrderedDict()
        self.limited = 0  # requests refused so far

    def _take(self, kind: str, client: str, cost: float) -> float:
        """Spend ``cost`` tokens; returns 0.0, or the seconds to wait if the bucket is short."""
        rate, capacity = self._rates[kind]
        if rate is None:
            return 0.0
        now = self._clock()
        key = (kind, client)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = [capacity, now]
            if len(self._buckets) > 2 * self.max_clients:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket[0] = min(capacity, bucket[0] + (now - bucket[1]) * rate)
            bucket[1] = now
        if bucket[0] >= cost:
            bucket[0] -= cost
            return 0.0
        return (cost - bucket[0]) / rate

    def request(self, client: str) -> float:
        wait = self._take("requests", client, 1.0)
        self.limited += wait > 0
        return wait

    def spend_bytes(self, client: str, n: int) -> float:
        wait = self._take("bytes", client, float(n))
        self.limited += wait > 0
        return wait

    def wait_for_bytes(self, client: str, n: int) -> float:
        """For streams: spend ``n`` bytes now, possibly going into debt; returns the pause owed."""
        rate, _ = self._rates["bytes"]
        wait = self._take("bytes", client, float(n))
        if wait:
            self._buckets[("bytes", client)][0] -= n  # take them anyway; the caller sleeps it off
        return wait if rate else 0.0

    def describe(self) -> str:
        s = self.spec
        parts = []
        if s.requests_per_second is not None:
            parts.append(f"{s.requests_per_second:g} requests/s (burst {s.burst})")
        if s.bytes_per_second is not None:
            parts.append(f"{s.bytes_per_second} bytes/s")
        return " and ".join(parts) or "none"

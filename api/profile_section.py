"""The profile's ``server:`` section: what ``oe serve`` allows and limits.

Defined here, where it is used; the engine composes it into the profile schema by its
import path (``openentropy.engine.profile.SECTIONS``), so a profile file is validated
whole, with located errors, by every front-end. This module imports no part of the
service itself (``openentropy.api`` loads its modules lazily).
"""

from __future__ import annotations

import ipaddress

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from openentropy.engine.duration import Duration
from openentropy.strict import StrictModel


class RateLimitSpec(StrictModel):
    """Per-client token buckets for the REST service (a client is its IP address)."""

    requests_per_second: float | None = Field(
        20.0, gt=0, le=1_000_000, description="sustained requests per second per client; null: no request limit"
    )
    burst: int = Field(40, ge=1, le=1_000_000, description="requests a client may make at once before the limit bites")
    bytes_per_second: int | None = Field(
        1 << 20, ge=1, le=1 << 34, description="sustained random bytes per second per client; null: no byte limit"
    )


class ServerSpec(StrictModel):
    """How ``oe serve`` exposes this profile's pool over HTTP (ignored by ``oe run``)."""

    api_key_env: str | None = Field(
        None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="environment variable holding the API key for control and raw-data routes; unset: those are disabled",
    )
    allow_raw: bool = Field(False, description="allow conditioning=raw (unconditioned source bytes; needs the API key)")
    max_bytes: int = Field(65536, ge=1024, le=1 << 24, description="most random bytes one request may ask for")
    buffer_bytes: int = Field(
        262144, ge=4096, le=1 << 28, description="pool output generated ahead of requests, so handlers never wait"
    )
    timeout: Duration = Field(2.0, gt=0, le=60, description="longest a request waits for output before a 503")
    rate_limit: RateLimitSpec = Field(default_factory=RateLimitSpec, description="per-client rate limits")
    cors_origins: list[str] = Field(default_factory=list, description="origins allowed by CORS; empty: CORS off")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="reverse proxies (addresses or networks, e.g. 10.0.0.2, 10.0.0.0/8) whose X-Forwarded-For "
        "names the client; empty: forwarded headers are ignored",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise PydanticCustomError(
                    "trusted_proxy",
                    "'{value}' is not an IP address or network (e.g. 10.0.0.2, ::1 or 10.0.0.0/8)",
                    {"value": value, "field": str(index)},
                ) from None
        return values

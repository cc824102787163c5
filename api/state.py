"""The server's live state on ``app.state.server``, and the dependencies that hand it out.

    ServerState
        pools      :: {name: ServedPool}, insertion order; the first is the default
        spec       :: ServerSpec of the default profile (limits, CORS, raw, key variable)
        api_key    :: ApiKey
        refs       :: {name: shipped name, path or Profile} each pool was loaded from (reloads)
        limiter    :: anyio.CapacityLimiter for worker threads (waiting for output, reading sources)
        control    :: anyio.Lock serialising loads and reloads
        rates      :: RateLimiter
        metrics    :: Metrics

Dependencies (tests replace ``get_state`` with ``app.dependency_overrides``):
    get_state      the ServerState
    rate_limited   charges one request to the client's bucket, or 429
    limited_state  both at once (the random-data routes)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from fastapi import Depends, Request

from openentropy.api.profile_section import ServerSpec
from openentropy.engine.profile import Profile

from .errors import ApiError
from .feeder import ServedPool
from .metrics import Metrics
from .ratelimit import RateLimiter
from .settings import ApiKey, Settings


@dataclass
class ServerState:
    settings: Settings
    spec: ServerSpec
    api_key: ApiKey
    rates: RateLimiter
    metrics: Metrics
    limiter: anyio.CapacityLimiter
    control: anyio.Lock = field(default_factory=anyio.Lock)
    pools: dict[str, ServedPool] = field(default_factory=dict)
    refs: dict[str, str | Profile] = field(default_factory=dict)

    @property
    def default(self) -> str:
        return next(iter(self.pools))

    def pool(self, name: str | None) -> ServedPool:
        """The pool ``name`` (None: the default one), or a 400 naming the served ones."""
        if name is None:
            return self.pools[self.default]
        try:
            return self.pools[name]
        except KeyError:
            raise ApiError(400, f"profile: '{name}' is not served here; served: {', '.join(self.pools)}") from None


async def get_state(request: Request) -> ServerState:
    return request.app.state.server


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _charge_request(request: Request, state: ServerState) -> None:
    wait = state.rates.request(client_of(request))
    if wait:
        raise ApiError(429, f"rate limit: {state.rates.describe()} per client; retry after {wait:.2f} s",
                       retry_after=wait)


async def rate_limited(request: Request, state: ServerState = Depends(get_state)) -> None:
    _charge_request(request, state)


async def limited_state(request: Request) -> ServerState:
    """``get_state`` and ``rate_limited`` in one step, for the hot routes: FastAPI solves
    each dependency per request at a measurable cost (see benchmarks/server.py)."""
    state = request.app.state.server
    _charge_request(request, state)
    return state

"""Getting random bytes for a request: size and byte-rate checks, then the pool or a source.

    await obtain(state, request, n, source=..., conditioning=..., profile=...)

    no source, sha256    the profile's pool, from its pre-generated buffer (the fast path)
    source=NAME          fresh collects of that one source, conditioned (engine/source_reader.py)
    raw / von_neumann    without a source: fresh collects of all the profile's sources in turn
    conditioning=raw     only when ``server.allow_raw`` is true AND the API key is presented

Every path is bounded by ``server.timeout``; a pool or source that cannot deliver in time
gives 503 with Retry-After, never a hang. Blocking work runs in worker threads under
the app's ``CapacityLimiter``.
"""

from __future__ import annotations

import anyio
import anyio.to_thread
from fastapi import Request

from openentropy.errors import EntropyTimeoutError, SourceUnavailableError
from openentropy.engine.source_reader import CONDITIONINGS, read_sources

from .auth import check_api_key
from .errors import ApiError, bad_parameter
from .state import ServerState, client_of

#: Retry-After for a 503: a round (and with it fresh output or credit) comes at least this often.
RETRY_AFTER_S = 1


def check_size(state: ServerState, n: int, name: str = "length") -> None:
    if n > state.spec.max_bytes:
        raise ApiError(413, f"{name}: this request needs {n} bytes; the most one request may ask for is "
                            f"{state.spec.max_bytes} (server.max_bytes)")


def charge_bytes(state: ServerState, request: Request, n: int) -> None:
    wait = state.rates.spend_bytes(client_of(request), n)
    if wait:
        raise ApiError(429, f"rate limit: {state.rates.describe()} per client; retry after {wait:.2f} s",
                       retry_after=wait)


def unavailable(message: str) -> ApiError:
    return ApiError(503, message, retry_after=RETRY_AFTER_S)


async def obtain(
    state: ServerState, request: Request, n: int, *, source: str | None = None,
    conditioning: str | None = None, profile: str | None = None,
) -> bytes:
    pool = state.pool(profile)
    conditioning = "sha256" if conditioning is None else conditioning
    if conditioning not in CONDITIONINGS:
        raise bad_parameter("conditioning", "one of " + ", ".join(CONDITIONINGS), conditioning)
    if source is not None and source not in pool.source_names():
        raise bad_parameter("source", f"a source of profile '{pool.name}': " + ", ".join(pool.source_names()), source)
    if conditioning == "raw":
        if not state.spec.allow_raw:
            raise ApiError(403, "conditioning: raw output is disabled on this server (server.allow_raw: false)")
        check_api_key(request, state.api_key, "raw output")
    timeout = state.spec.timeout
    if source is None and conditioning == "sha256":
        data = await pool.draw(n, timeout, state.limiter)
        if data is None:
            raise unavailable(f"profile '{pool.name}': the pool could not deliver {n} bytes within {timeout:g} s "
                              f"({pool.profile.pool.mode} mode); retry shortly")
        return data
    taps = [pool.tap(name) for name in ([source] if source else pool.source_names())]
    try:
        with anyio.fail_after(timeout + 1.0):
            return await anyio.to_thread.run_sync(
                read_sources, taps, n, conditioning, timeout, abandon_on_cancel=True, limiter=state.limiter
            )
    except SourceUnavailableError as error:
        raise ApiError(503, str(error)) from None
    except (EntropyTimeoutError, TimeoutError) as error:
        raise unavailable(f"could not collect {n} bytes in time: {error}") from None

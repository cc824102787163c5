"""Upstream's status routes, with our health-test state, credits and entropy balance.

    /health        overall state of one pool (healthy | degraded | starting)
    /sources       per-source statistics
    /pool/status   the pool: counters, ledger (credited, drawn, balance), sources

Each takes ``profile=NAME`` (default: the first served profile). ``pool.status()`` takes
the pool's lock, so it runs in a worker thread, never on the event loop.
"""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Depends, Query

from openentropy.engine.status import PoolStatus, SourceState

from .feeder import ServedPool
from .models import ErrorResponse, HealthResponse, PoolStatusResponse, SourcesResponse, SourceStatus
from .state import ServerState, get_state, rate_limited

router = APIRouter(prefix="", tags=["status"])

PROFILE = Query(None, description="which served profile (default: the first)")
ERRORS = {400: {"model": ErrorResponse}, 429: {"model": ErrorResponse}}


async def pool_status(state: ServerState, pool: ServedPool) -> PoolStatus:
    return await anyio.to_thread.run_sync(pool.status, limiter=state.limiter)


def source_status(s: SourceState) -> SourceStatus:
    return SourceStatus(
        name=s.name, healthy=s.healthy, bytes=s.total_bytes, entropy=s.last_shannon, min_entropy=s.last_min_entropy,
        time=s.last_collect_time, failures=s.failures, weight=s.weight, physical=s.physical, health=s.health,
        health_failures=s.health_failures, last_health_failure=s.last_health_failure, credited_bits=s.credited_bits,
    )


def pool_status_response(pool: ServedPool, status: PoolStatus) -> PoolStatusResponse:
    return PoolStatusResponse(
        profile=pool.name, mode=status.mode, sources_healthy=sum(s.healthy for s in status.sources),
        total=len(status.sources), raw_bytes=status.mixed_bytes, output_bytes=status.output_bytes,
        buffer_size=status.buffered_bytes, buffered_output=len(pool.buffer), credited_bits=status.credited_bits,
        drawn_bits=status.drawn_bits, balance_bits=status.balance_bits, hashed_bits=status.hashed_bits,
        dropped_bits=status.dropped_bits, full_entropy_blocks=status.full_entropy_blocks, blocks=status.blocks,
        drbg_reseeds=status.drbg_reseeds, drbg_instantiations=status.drbg_instantiations, rounds=pool.rounds, bytes_served=pool.bytes_served,
        last_error=pool.last_error, sources=[source_status(s) for s in status.sources],
    )


@router.get("/health", response_model=HealthResponse, responses=ERRORS, summary="Is the pool healthy?")
async def health(profile: str | None = PROFILE, state: ServerState = Depends(get_state)) -> HealthResponse:
    pool = state.pool(profile)
    status = await pool_status(state, pool)
    healthy = sum(s.healthy for s in status.sources)
    if not pool.ready:
        verdict = "starting"
    elif healthy == len(status.sources) and not pool.last_error:
        verdict = "healthy"
    else:
        verdict = "degraded"
    return HealthResponse(
        status=verdict, profile=pool.name, sources_healthy=healthy, sources_total=len(status.sources),
        raw_bytes=status.mixed_bytes, output_bytes=status.output_bytes, ready=pool.ready, profiles=list(state.pools),
    )


@router.get("/sources", response_model=SourcesResponse, responses=ERRORS, dependencies=[Depends(rate_limited)],
            summary="Per-source statistics and health")
async def sources(profile: str | None = PROFILE, state: ServerState = Depends(get_state)) -> SourcesResponse:
    pool = state.pool(profile)
    status = await pool_status(state, pool)
    return SourcesResponse(profile=pool.name, sources=[source_status(s) for s in status.sources],
                           total=len(status.sources))


@router.get("/pool/status", response_model=PoolStatusResponse, responses=ERRORS,
            dependencies=[Depends(rate_limited)], summary="Pool counters, credits and entropy balance")
async def pool_status_route(profile: str | None = PROFILE, state: ServerState = Depends(get_state)) -> PoolStatusResponse:
    pool = state.pool(profile)
    return pool_status_response(pool, await pool_status(state, pool))

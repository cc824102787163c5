"""``/metrics``: Prometheus text exposition (see metrics.py for the series)."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Depends
from fastapi.responses import PlainTextResponse

from .state import ServerState, get_state

router = APIRouter(prefix="/metrics", tags=["metrics"])

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _snapshot(state: ServerState) -> list:
    return [(pool, pool.pool.status()) for pool in list(state.pools.values())]


@router.get("", response_class=PlainTextResponse, summary="Prometheus metrics",
            responses={200: {"content": {"text/plain": {}}}})
async def metrics(state: ServerState = Depends(get_state)) -> PlainTextResponse:
    pools = await anyio.to_thread.run_sync(_snapshot, state, limiter=state.limiter)
    return PlainTextResponse(state.metrics.render(pools, state.rates.limited), media_type=CONTENT_TYPE)

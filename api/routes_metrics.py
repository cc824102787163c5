"""``/metrics``: Prometheus exposition (see metrics.py for the series).

The format follows the scraper's ``Accept`` header (prometheus_client's negotiation):
Prometheus text 0.0.4 by default, OpenMetrics when asked for.
"""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Depends, Request, Response

from .state import ServerState, get_state

router = APIRouter(prefix="/metrics", tags=["metrics"])

FORMATS = {"text/plain": {"schema": {"type": "string"}}, "application/openmetrics-text": {"schema": {"type": "string"}}}


@router.get("", response_class=Response, summary="Prometheus metrics",
            responses={200: {"content": FORMATS, "description": "the exposition"}})
async def metrics(request: Request, state: ServerState = Depends(get_state)) -> Response:
    body, content_type = await anyio.to_thread.run_sync(state.metrics.render, request.headers.get("accept"),
                                                        limiter=state.limiter)
    return Response(body, media_type=content_type)

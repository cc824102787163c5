"""``/events``: Server-Sent Events, one ``status`` event per interval (default 1 s).

Each event's data is the ``/pool/status`` JSON of the chosen profile::

    event: status
    id: 1
    data: {"profile": "server", "mode": "sha256", ...}

The stream runs until the client disconnects, or for ``count`` events if given.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from .anu import parse_int
from .query import MAX_EVENTS
from .models import ErrorResponse
from .routes_status import pool_status, pool_status_response
from .state import ServerState, get_state, rate_limited

router = APIRouter(prefix="/events", tags=["events"], dependencies=[Depends(rate_limited)])


@router.get("", response_class=StreamingResponse, summary="Pool status pushed every second (SSE)",
            responses={200: {"content": {"text/event-stream": {}}}, 400: {"model": ErrorResponse}})
async def events(
    profile: str | None = Query(None),  # schemas and descriptions: query.QUERY (via openapi.py)
    count: str | None = Query(None),
    state: ServerState = Depends(get_state),
) -> StreamingResponse:
    pool = state.pool(profile)
    limit = parse_int("count", count, 1, MAX_EVENTS, default=0) or None
    interval = state.settings.events_interval_s

    async def stream():
        sent = 0
        while limit is None or sent < limit:
            if sent:
                await anyio.sleep(interval)
            status = pool_status_response(pool, await pool_status(state, pool))
            sent += 1
            yield f"event: status\nid: {sent}\ndata: {status.model_dump_json()}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

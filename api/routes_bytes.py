"""Binary output: ``/api/v1/bytes?n=`` (one body) and ``/api/v1/stream`` (until the client stops).

The stream sends ``chunk`` bytes at a time straight from the pool's buffer and stops when
the client disconnects, after ``limit`` bytes if given, or if the pool cannot deliver a
chunk within ``server.timeout`` (the body then just ends). A client over its byte rate is
slowed down, not cut off.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from .anu import parse_int
from .models import ErrorResponse
from .output import charge_bytes, obtain
from .query import MAX_CHUNK, MAX_STREAM_LIMIT, documented
from .state import ServerState, client_of, limited_state

router = APIRouter(prefix="/api/v1", tags=["bytes"])

OCTETS = {"content": {"application/octet-stream": {}}, "description": "random bytes"}
ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 429, 503)}


@router.get("/bytes", response_class=Response, responses={200: OCTETS, **ERRORS}, summary="Random bytes",
            openapi_extra=documented("n", "source", "conditioning", "profile", required=("n",)))
async def random_bytes(request: Request, state: ServerState = Depends(limited_state)) -> Response:
    q = request.query_params
    count = parse_int("n", q.get("n"), 1, state.spec.max_bytes)  # one parameter's range: 400, not 413
    charge_bytes(state, request, count)
    data = await obtain(state, request, count, source=q.get("source"), conditioning=q.get("conditioning"),
                        profile=q.get("profile"))
    return Response(data, media_type="application/octet-stream")


@router.get("/stream", response_class=StreamingResponse, responses={200: OCTETS, **ERRORS},
            summary="Random bytes until the client stops reading")
async def random_stream(
    request: Request,
    chunk: str | None = Query(None),  # schemas and descriptions: query.QUERY (via openapi.py)
    limit: str | None = Query(None),
    profile: str | None = Query(None),
    state: ServerState = Depends(limited_state),
) -> StreamingResponse:
    size = parse_int("chunk", chunk, 1, MAX_CHUNK, default=4096)
    total = parse_int("limit", limit, 1, MAX_STREAM_LIMIT, default=0) or None
    pool = state.pool(profile)
    client = client_of(request)

    async def body():
        sent = 0
        while total is None or sent < total:
            n = size if total is None else min(size, total - sent)
            pause = state.rates.wait_for_bytes(client, n)
            if pause:
                await anyio.sleep(pause)
            data = await pool.draw(n, state.spec.timeout, state.limiter)
            if data is None:
                return
            sent += n
            yield data

    return StreamingResponse(body(), media_type="application/octet-stream")

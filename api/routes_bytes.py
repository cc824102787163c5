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
from .output import check_size, charge_bytes, obtain
from .query import CONDITIONING, PROFILE, SOURCE, documented
from .state import ServerState, client_of, limited_state

router = APIRouter(prefix="/api/v1", tags=["bytes"])

OCTETS = {"content": {"application/octet-stream": {}}, "description": "random bytes"}
ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 413, 429, 503)}
#: Largest stream chunk: one buffer take per chunk, and a chunk in flight is small.
MAX_CHUNK = 65536


@router.get("/bytes", response_class=Response, responses={200: OCTETS, **ERRORS}, summary="Random bytes",
            openapi_extra=documented(("n", "integer", "how many bytes, 1 to server.max_bytes (required)"),
                                     SOURCE, CONDITIONING, PROFILE))
async def random_bytes(request: Request, state: ServerState = Depends(limited_state)) -> Response:
    q = request.query_params
    count = parse_int("n", q.get("n"), 1, 1 << 40)
    check_size(state, count, "n")
    charge_bytes(state, request, count)
    data = await obtain(state, request, count, source=q.get("source"), conditioning=q.get("conditioning"),
                        profile=q.get("profile"))
    return Response(data, media_type="application/octet-stream")


@router.get("/stream", response_class=StreamingResponse, responses={200: OCTETS, **ERRORS},
            summary="Random bytes until the client stops reading")
async def random_stream(
    request: Request,
    chunk: str | None = Query(None, description=f"bytes per chunk, 1-{MAX_CHUNK} (default 4096)"),
    limit: str | None = Query(None, description="stop after this many bytes (default: never)"),
    profile: str | None = Query(None, description="which served profile's pool (default: the first)"),
    state: ServerState = Depends(limited_state),
) -> StreamingResponse:
    size = parse_int("chunk", chunk, 1, MAX_CHUNK, default=4096)
    total = parse_int("limit", limit, 1, 1 << 50, default=0) or None
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

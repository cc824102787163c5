"""ANU QRNG compatible random numbers, at ANU's own path and at ``/api/v1/random``.

An ANU client works against this server by changing only its base URL. Beyond ANU's
``length``, ``type`` and ``size`` (see anu.py), the optional extras: ``source=NAME``,
``conditioning=raw|von_neumann|sha256`` and ``profile=NAME`` (see output.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request, Response

from . import anu
from .models import AnuResponse, ErrorResponse
from .output import check_size, charge_bytes, obtain
from .state import ServerState, get_state, rate_limited

router = APIRouter(prefix="", tags=["random"], dependencies=[Depends(rate_limited)])

ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 413, 429, 503)}


@router.get("/API/jsonI.php", response_model=AnuResponse, responses=ERRORS, summary="ANU QRNG API (ANU's path)")
@router.get("/api/v1/random", response_model=AnuResponse, responses=ERRORS, summary="ANU QRNG API")
async def random_numbers(
    request: Request,
    length: str | None = Query(None, description="number of values, 1-1024 (required)"),
    type: str | None = Query("uint8", description="uint8 | uint16 | hex16"),
    size: str | None = Query(None, description="bytes per hex16 value, 1-1024 (default 1)"),
    source: str | None = Query(None, description="one source of the profile, instead of the pool"),
    conditioning: str | None = Query(None, description="sha256 (default) | von_neumann | raw (needs the API key)"),
    profile: str | None = Query(None, description="which served profile's pool (default: the first)"),
    state: ServerState = Depends(get_state),
) -> Response:
    parsed = anu.parse_request(length, type, size)
    n = parsed.byte_count
    check_size(state, n)
    charge_bytes(state, request, n)
    data = await obtain(state, request, n, source=source, conditioning=conditioning, profile=profile)
    return Response(anu.encode(parsed, data), media_type="application/json")

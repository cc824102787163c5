"""ANU QRNG compatible random numbers, at ANU's own path and at ``/api/v1/random``.

An ANU client works against this server by changing only its base URL. Beyond ANU's
``length``, ``type`` and ``size`` (see anu.py), the optional extras: ``source=NAME``,
``conditioning=raw|von_neumann|sha256`` and ``profile=NAME`` (see output.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from starlette.routing import Route

from . import anu
from .models import AnuResponse, ErrorResponse
from .output import check_size, charge_bytes, obtain
from .query import documented
from .state import ServerState, limited_state

router = APIRouter(prefix="", tags=["random"])

ERRORS = {code: {"model": ErrorResponse} for code in (400, 401, 403, 413, 429, 503)}
PARAMS = documented("length", "type", "size", "source", "conditioning", "profile", required=("length",))


async def serve_random(request: Request, state: ServerState) -> Response:
    """One ANU request on ``state`` (the rate limit already charged)."""
    q = request.query_params
    parsed = anu.parse_request(q.get("length"), q.get("type"), q.get("size"))
    n = parsed.byte_count
    check_size(state, n)
    charge_bytes(state, request, n)
    data = await obtain(state, request, n, source=q.get("source"), conditioning=q.get("conditioning"),
                        profile=q.get("profile"))
    return Response(anu.encode(parsed, data), media_type="application/json")


@router.get("/API/jsonI.php", response_model=AnuResponse, responses=ERRORS, openapi_extra=PARAMS,
            summary="ANU QRNG API (ANU's path)")
@router.get("/api/v1/random", response_model=AnuResponse, responses=ERRORS, openapi_extra=PARAMS,
            summary="ANU QRNG API")
async def random_numbers(request: Request, state: ServerState = Depends(limited_state)) -> Response:
    return await serve_random(request, state)


async def random_numbers_fast(request: Request) -> Response:
    """The same handler without FastAPI's per-request dependency solving.

    create_app mounts it on both ANU paths ahead of the documented routes above, which
    stay for /docs; it measured ~2x faster per request in-process. Same code, same errors
    (the app's exception handlers wrap every route)."""
    return await serve_random(request, await limited_state(request))


def _get_only(path: str) -> Route:
    """A plain GET route. Starlette adds HEAD to every GET route; the documented routes
    (FastAPI's) have none, and a HEAD here would spend random bytes and a rate-limit
    token on a response without a body, so it answers 405 like theirs."""
    route = Route(path, random_numbers_fast, methods=["GET"], include_in_schema=False)
    route.methods.discard("HEAD")
    return route


#: Starlette routes for the hot ANU paths (see random_numbers_fast).
FAST_ROUTES = [_get_only(path) for path in ("/API/jsonI.php", "/api/v1/random")]

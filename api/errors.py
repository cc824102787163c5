"""Error responses: every failure is JSON ``{"success": false, "message": ...}``, like ANU's.

    ApiError(status, message, retry_after=None)   raised by routes and dependencies
    install(app, routes)                           maps ApiError, validation errors and
                                                   Starlette's HTTP errors to that shape

400 bad parameter (the message names it and its allowed range), 401/403 auth, 404 unknown
route or profile, 405 method not allowed (``Allow`` lists every method the path takes,
across all its routes: the router's own 405 names only the first route's), 413 request
larger than ``server.max_bytes`` or a body over the cap (bodies.py), 429 rate limit
(with Retry-After), 503 the pool could not deliver in time (with Retry-After).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match


class ApiError(Exception):
    def __init__(self, status: int, message: str, *, retry_after: float | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        if retry_after is not None:
            self.headers["Retry-After"] = str(max(1, math.ceil(retry_after)))


def bad_parameter(name: str, allowed: str, got: object) -> ApiError:
    return ApiError(400, f"{name}: must be {allowed} (got {got!r})")


def error_response(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"success": False, "message": message}, status_code=status, headers=headers)


async def _api_error(request: Request, error: ApiError) -> JSONResponse:
    return error_response(error.status, error.message, error.headers)


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "body", "path"))
        parts.append(f"{where or 'request'}: {item.get('msg', 'invalid')}")
    return error_response(400, "; ".join(parts) or "invalid request")


def allowed_methods(routes: Sequence[BaseRoute], scope: dict) -> list[str]:
    """Every method one of ``routes`` takes at the scope's path."""
    methods: set[str] = set()
    for route in routes:
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


def install(app: FastAPI, routes: Sequence[BaseRoute] = ()) -> None:
    """``routes``: the app's API routes, each a Starlette ``Route`` (FastAPI's included
    routers are not), for the ``Allow`` header of 405s."""
    routes = tuple(routes)

    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(error, "headers", None) or {})
        if error.status_code == 405:
            allowed = allowed_methods(routes, request.scope)
            if allowed:  # a path outside ``routes`` (e.g. /docs) keeps the router's answer
                headers["Allow"] = ", ".join(allowed)
        return error_response(error.status_code, str(error.detail), headers)

    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)

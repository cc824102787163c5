"""Error responses: every failure is JSON ``{"success": false, "message": ...}``, like ANU's.

    ApiError(status, message, retry_after=None)   raised by routes and dependencies
    install(app)                                   maps ApiError, validation errors and
                                                   Starlette's HTTP errors to that shape

400 bad parameter (the message names it and its allowed range), 401/403 auth, 404 unknown
route or profile, 413 request larger than ``server.max_bytes``, 429 rate limit (with
Retry-After), 503 the pool could not deliver in time (with Retry-After).
"""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException


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


async def _http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
    return error_response(error.status_code, str(error.detail), getattr(error, "headers", None))


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)

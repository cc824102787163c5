"""Request bodies: capped on every route, never read past the cap, parsed after auth.

The service takes one body, ``POST /profiles`` with ``{"profile": NAME}``; no other
route reads one. A server that reads whatever a client sends before deciding anything
can be made to buffer any amount (a 64 MiB body once cost 130 MB of memory, from a
client without the key). So:

    BodyLimitMiddleware   pure ASGI, every request:
        Content-Length > MAX_BODY_BYTES    413 at once; not one byte of the body is read
        no length (chunked) or a lie       the bytes are counted as the app reads them;
                                           the chunk that passes the cap ends the request
                                           with 413 (the app never sees that chunk)
    read_model(request, Model)            the body as a pydantic model, or 400 naming the
                                          field; routes call it only after their key check

So a request costs at most one ASGI chunk beyond the cap, however large its body is.
"""

from __future__ import annotations

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from .errors import ApiError, error_response

#: Largest request body read: ``{"profile": NAME}`` with a 64-character name (the
#: profile name limit) is under 100 bytes; 4 KiB leaves room for whitespace and any
#: client's formatting while keeping an abusive body's cost negligible.
MAX_BODY_BYTES = 4096
TOO_LARGE = (f"request body: larger than {MAX_BODY_BYTES} bytes, the most this server reads "
             '(the only body it takes is {"profile": NAME} for POST /profiles)')


class _BodyTooLarge(Exception):
    """Raised from ``receive`` when the body passes the cap; the middleware answers 413."""


def _declared_length(scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    def __init__(self, app, max_bytes: int = MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            return await error_response(413, TOO_LARGE)(scope, receive, send)
        received = 0
        started = False

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def watched_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except _BodyTooLarge:
            if started:  # no route reads its body after answering; if one did, end it here
                return
            await error_response(413, TOO_LARGE)(scope, receive, send)


async def read_model(request: Request, model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as ``model`` (the body is capped by the middleware), or
    ``ApiError(400)`` naming what is wrong."""
    raw = await request.body()
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        parts = []
        for item in error.errors():
            where = ".".join(str(p) for p in item.get("loc", ()))
            parts.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
        raise ApiError(400, "; ".join(parts) or "body: invalid") from None

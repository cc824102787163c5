"""API-key checks for control and raw-data operations.

Which routes: loading or reloading a profile and showing a resolved one
(``/profiles``), raw output (``conditioning=raw``), per-source raw bytes. All others
are open. The ``/profiles`` operations declare ``NEEDS_KEY`` in the OpenAPI document
(raw output cannot: it depends on a parameter's value).

    no key configured   403: the operation is disabled (and the message says how to enable it)
    key missing/wrong   401 with ``WWW-Authenticate: Bearer``
    key right           allowed

The key travels in a header only, ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``;
never in the query string, which access logs record. The comparison is constant-time
(``hmac.compare_digest``) and nothing here logs or echoes the key.
"""

from __future__ import annotations

import logging

from fastapi import Request

from .errors import ApiError
from .settings import ApiKey

log = logging.getLogger("openentropy.api")

#: OpenAPI security schemes: the two ways to present the key (openapi.py adds them).
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer KEY"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "X-API-Key: KEY"},
}
#: ``openapi_extra`` of an operation that needs the key (either scheme will do).
NEEDS_KEY = {"security": [{"bearer": []}, {"apiKey": []}]}


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


def check_api_key(request: Request, key: ApiKey, what: str) -> None:
    """Raise ``ApiError`` unless the request carries the configured key."""
    if not key.enabled:
        where = f"environment variable {key.env}" if key.env else "server.api_key_env (or oe serve --api-key-env)"
        raise ApiError(403, f"{what} is disabled: no API key is configured; set {where}")
    if not key.matches(presented_key(request)):
        client = request.client.host if request.client else "?"
        log.warning("rejected %s from %s: missing or wrong API key", what, client)
        raise ApiError(401, f"{what} needs the API key (header 'Authorization: Bearer KEY' or 'X-API-Key: KEY')",
                       headers={"WWW-Authenticate": "Bearer"})

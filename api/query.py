"""Query parameters read by hand and documented for OpenAPI.

The random-data routes are the hot path. Declaring their parameters as FastAPI
``Query`` arguments costs a per-parameter analysis on every request (measured at about
a third of the request's time with FastAPI 0.165), and their errors would be 422s, not
ANU's 400 ``{"success": false}``. So those routes read ``request.query_params`` and parse
the values themselves (anu.parse_int), and ``documented(...)`` puts the same parameters
into the OpenAPI schema through ``openapi_extra``.
"""

from __future__ import annotations

def documented(*params: tuple[str, str, str]) -> dict:
    """``openapi_extra`` for query parameters given as (name, type, description)."""
    return {"parameters": [
        {"name": name, "in": "query", "required": False, "schema": {"type": kind}, "description": text}
        for name, kind, text in params
    ]}


SOURCE = ("source", "string", "one source of the profile, instead of the pool")
CONDITIONING = ("conditioning", "string", "sha256 (default) | von_neumann | raw (needs the API key)")
PROFILE = ("profile", "string", "which served profile's pool (default: the first)")

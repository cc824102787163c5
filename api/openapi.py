"""The OpenAPI document at ``/openapi.json``: exactly what this server accepts.

FastAPI builds the document from the routes. Three things it cannot know are put in
here, so that a request the document allows is one the server accepts (schemathesis
checks this, tests/api/test_schema.py):

    query parameters   every query parameter's schema and description come from
                       ``query.QUERY`` (FastAPI would say "string or null" for the
                       parameters read by hand), plus what the running server decides:
                           profile   enum of the served profiles
                           source    enum of the sources of the served profiles
                           n         maximum server.max_bytes
    POST /profiles     the body's ``profile``: enum of the shipped profiles
    422 responses      dropped, with their schemas: validation errors are 400 here
                       (errors.py), in the ``ErrorResponse`` shape
    API key            the ``bearer`` and ``apiKey`` security schemes (auth.py) for the
                       operations that declare them

The document is rebuilt only when the served profiles change (``POST /profiles``), and
before the lifespan has started (no served pools yet) the dynamic parts are left open.
"""

from __future__ import annotations

import copy

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from openentropy.engine.loader import shipped_profiles

from .auth import SECURITY_SCHEMES
from .query import QUERY

_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _query_schema(name: str, state) -> dict:
    schema = dict(QUERY[name][0])
    if state is None:
        return schema
    if name == "profile":
        schema["enum"] = list(state.pools)
    elif name == "source":
        schema["enum"] = sorted({s for pool in state.pools.values() for s in pool.source_names()})
    elif name == "n":
        schema["maximum"] = state.spec.max_bytes
    return schema


def build_openapi(app: FastAPI, state) -> dict:
    """The document for ``app`` serving ``state`` (a ServerState, or None before start-up)."""
    document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            operation.get("responses", {}).pop("422", None)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] in QUERY:
                    parameter["schema"] = _query_schema(parameter["name"], state)
                    parameter["description"] = QUERY[parameter["name"]][1]
            if (path, method) == ("/profiles", "post"):
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                body["properties"]["profile"]["enum"] = list(shipped_profiles())
    components = document.setdefault("components", {})
    schemas = components.get("schemas", {})
    for name in _VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    components["securitySchemes"] = copy.deepcopy(SECURITY_SCHEMES)
    return document


def install(app: FastAPI) -> None:
    """Serve ``build_openapi``'s document, rebuilt when the served profiles change."""
    cache: dict[tuple, dict] = {}

    def openapi() -> dict:
        state = getattr(app.state, "server", None)
        key = None if state is None else tuple((name, tuple(p.source_names())) for name, p in state.pools.items())
        if key not in cache:
            cache.clear()
            cache[key] = build_openapi(app, state)
        return cache[key]

    app.openapi = openapi

"""Query parameters: what each one accepts, in one table, read by hand and documented.

The random-data routes are the hot path. Declaring their parameters as FastAPI
``Query`` arguments costs a per-parameter analysis on every request (measured at about
a third of the request's time with FastAPI 0.165), and their errors would be 422s, not
ANU's 400 ``{"success": false}``. So those routes read ``request.query_params`` and parse
the values themselves (``anu.parse_int``), and ``documented(...)`` declares them for
OpenAPI through ``openapi_extra``.

``QUERY`` is the contract: for every query parameter of the service, the JSON schema of
the values the server accepts and what they mean. openapi.py writes it into the
document for every operation that takes the parameter (whether declared here or as a
FastAPI ``Query``), adding what only the running server knows: the served profiles
(``profile``), their sources (``source``) and ``server.max_bytes`` (``n``). A value the
schema allows is accepted; any other (out of range, not in the enum, empty, not a
decimal integer) is a 400 naming the parameter. One limit is not a range of a single
parameter and so not in the schema: ANU's ``length`` x ``size`` bytes must fit
``server.max_bytes`` (else 413, documented on the operation).
"""

from __future__ import annotations

from openentropy.engine.source_reader import CONDITIONINGS

from .anu import MAX_LENGTH, MAX_SIZE, TYPES

#: Largest stream chunk: one buffer take per chunk, and a chunk in flight is small.
MAX_CHUNK = 65536
#: Largest ``limit`` of a stream (1 PiB: "no limit" in practice, but a bounded integer).
MAX_STREAM_LIMIT = 1 << 50
#: Largest ``count`` of /events (2^31: years of events at one a second).
MAX_EVENTS = 1 << 31

QUERY: dict[str, tuple[dict, str]] = {
    "chunk": ({"type": "integer", "minimum": 1, "maximum": MAX_CHUNK, "default": 4096}, "bytes per chunk"),
    "conditioning": ({"type": "string", "enum": list(CONDITIONINGS), "default": "sha256"},
                     "sha256: the pool (default); von_neumann or raw: fresh source reads, raw needs the API key "
                     "and server.allow_raw"),
    "count": ({"type": "integer", "minimum": 1, "maximum": MAX_EVENTS}, "stop after this many events (default: never)"),
    "length": ({"type": "integer", "minimum": 1, "maximum": MAX_LENGTH}, "number of values"),
    "limit": ({"type": "integer", "minimum": 1, "maximum": MAX_STREAM_LIMIT},
              "stop after this many bytes (default: never)"),
    "n": ({"type": "integer", "minimum": 1}, "how many bytes, at most server.max_bytes"),
    "profile": ({"type": "string"}, "which served profile's pool (default: the first)"),
    "size": ({"type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": 1},
             "bytes per hex16 value (ignored for uint8 and uint16); length x size must not exceed "
             "server.max_bytes (else 413)"),
    "source": ({"type": "string"}, "one source of the chosen profile, read fresh instead of the pool"),
    "type": ({"type": "string", "enum": list(TYPES), "default": "uint8"},
             "uint8: values 0-255; uint16: values 0-65535; hex16: hex strings of size bytes"),
}


def documented(*names: str, required: tuple[str, ...] = ()) -> dict:
    """``openapi_extra`` declaring the query parameters ``names`` (see ``QUERY``)."""
    return {"parameters": [
        {"name": name, "in": "query", "required": name in required, "schema": dict(QUERY[name][0]),
         "description": QUERY[name][1]}
        for name in names
    ]}

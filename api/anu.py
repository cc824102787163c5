"""The ANU QRNG JSON API's request parameters and response encoding.

ANU's legacy API (``https://qrng.anu.edu.au/API/jsonI.php?length=10&type=uint8``):

    length   number of values, 1..1024 (not bytes: upstream's server got this wrong)
    type     uint8   values 0..255, one byte each
             uint16  values 0..65535, two bytes each (big-endian)
             hex16   strings of 2*size hex digits, ``size`` bytes each
    size     bytes per hex16 value, 1..1024 (ignored for uint8/uint16, as ANU does)

Responses, exactly as ANU sends them::

    {"type": "uint8", "length": 10, "data": [12, 250, ...], "success": true}
    {"type": "string", "length": 10, "size": 2, "data": ["2138", ...], "success": true}

Parameters are parsed here, not by FastAPI, so that a bad one gives ANU's shape of error
(400 ``{"success": false, "message": ...}``, naming the parameter and its range).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .errors import bad_parameter

TYPES = ("uint8", "uint16", "hex16")
MAX_LENGTH = 1024  # ANU's limit on values per request
MAX_SIZE = 1024  # ANU's limit on bytes per hex16 value


@dataclass(frozen=True)
class AnuRequest:
    type: str
    length: int
    size: int = 1

    @property
    def byte_count(self) -> int:
        return self.length * {"uint8": 1, "uint16": 2}.get(self.type, self.size)


#: A decimal integer as a query value: digits, optionally after a minus sign, nothing
#: else (Python's ``int`` would also take "+5", " 5 " and "1_000"). 20 digits hold every
#: int64, so a longer value is out of any range here before it is parsed.
_DECIMAL_INTEGER = re.compile(r"-?[0-9]{1,20}")


def parse_int(name: str, raw: str | None, low: int, high: int, default: int | None = None) -> int:
    """``raw`` as an integer in [low, high]; absent (None) gives ``default``, or a 400 when
    there is none. Present but empty or not a decimal integer is a 400 too."""
    if raw is None:
        if default is None:
            raise bad_parameter(name, f"an integer from {low} to {high}; it is required", None)
        return default
    if not _DECIMAL_INTEGER.fullmatch(raw):
        raise bad_parameter(name, f"an integer from {low} to {high}", raw)
    value = int(raw)
    if not low <= value <= high:
        raise bad_parameter(name, f"an integer from {low} to {high}", value)
    return value


def parse_request(length: str | None, type_: str | None, size: str | None) -> AnuRequest:
    kind = "uint8" if type_ is None else type_
    if kind not in TYPES:
        raise bad_parameter("type", "one of " + ", ".join(TYPES), kind)
    count = parse_int("length", length, 1, MAX_LENGTH)
    block = parse_int("size", size, 1, MAX_SIZE, default=1)
    return AnuRequest(kind, count, block if kind == "hex16" else 1)


#: Decimal text of every uint16 and of every byte. The byte table is small enough to stay
#: in cache while the server's other threads run (a 65536-entry table of byte pairs was
#: faster alone but 4x slower under the harvest's cache pressure, measured in-process).
_DECIMAL = [str(v) for v in range(65536)]
_BYTE = _DECIMAL[:256]


def _uint8_json(data: bytes) -> str:
    return ",".join(map(_BYTE.__getitem__, data))


def encode(request: AnuRequest, data: bytes) -> bytes:
    """The JSON body ANU would send for ``request``, with ``data`` as its randomness."""
    if len(data) != request.byte_count:
        raise ValueError(f"{request.type} x {request.length} needs {request.byte_count} bytes, got {len(data)}")
    if request.type == "uint8":
        values = _uint8_json(data)
    elif request.type == "uint16":
        values = ",".join(map(_DECIMAL.__getitem__, np.frombuffer(data, ">u2").tolist()))
    else:
        digits = data.hex()
        width = 2 * request.size
        values = ",".join(f'"{digits[i : i + width]}"' for i in range(0, len(digits), width))
        return (f'{{"type":"string","length":{request.length},"size":{request.size},"data":[{values}],'
                f'"success":true}}').encode()
    return f'{{"type":"{request.type}","length":{request.length},"data":[{values}],"success":true}}'.encode()

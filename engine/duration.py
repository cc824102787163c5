"""Durations in profiles: a number of seconds, or a string with a unit.

``0.25``, ``"250ms"``, ``"250 ms"``, ``"1.5s"``, ``"800us"`` and ``"2m"`` are all
accepted and stored as float seconds.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PATTERN = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(ns|us|µs|ms|s|m|h)?\s*$")


def parse_duration(value: Any) -> Any:
    """Seconds as a float from a number or a ``"<number><unit>"`` string."""
    if isinstance(value, bool):
        raise PydanticCustomError("duration", "expected a duration such as 0.25, '250ms' or '2s', got {value!r}", {"value": value})
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        match = _PATTERN.match(value)
        if match:
            return float(match.group(1)) * _UNITS[match.group(2) or "s"]
    raise PydanticCustomError(
        "duration",
        "expected a duration such as 0.25, '250ms' or '2s' (units: ns, us, ms, s, m, h), got {value!r}",
        {"value": value},
    )


Duration = Annotated[float, BeforeValidator(parse_duration)]

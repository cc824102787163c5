"""``StrictModel``: the base of every profile model.

Unknown keys are errors (``extra="forbid"``), and the error names the unknown key, the
closest allowed one and the full allowed list, which pydantic's own "Extra inputs are
not permitted" does not. The error's context carries the key (``ctx["field"]``) so the
YAML loader can point at that key's line and column.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from .suggest import did_you_mean


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        allowed = [info.alias or name for name, info in cls.model_fields.items()]
        for key in data:
            if key not in allowed:
                raise PydanticCustomError(
                    "unknown_field",
                    "unknown field '{field}'{hint} (allowed: {allowed})",
                    {"field": str(key), "hint": did_you_mean(str(key), allowed), "allowed": ", ".join(allowed)},
                )
        return data

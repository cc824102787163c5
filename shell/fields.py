"""Field paths of a profile and the values each may take, read off the JSON Schema.

    field_index(data) :: {path: [choice]}    every settable path of the profile ``data``
                                             (or of an empty one) -> its enumerated values

Walks ``Profile.model_json_schema()`` (``$ref``, ``anyOf`` for optionals, ``oneOf`` +
``discriminator`` for stages and sinks); list items are named after the loaded
profile's items (sources by ``name``, others by index); a source's ``params`` come
from that source class's own ``Params`` schema. Choices are ``enum`` and ``const``
values, ``true``/``false`` for booleans, and a discriminator's tags (every stage or
sink type) for a ``type`` field. Nothing here lists a field by hand: a new field in
profile.py, a new stage or sink type, a new source parameter shows up by itself.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml


@cache
def profile_schema() -> dict:
    from openentropy.engine.profile import Profile

    return Profile.model_json_schema()


@cache
def params_schema(source: str) -> dict:
    from openentropy.sources.registry import get_source_class

    try:
        return get_source_class(source).Params.model_json_schema()
    except Exception:  # an unknown or broken source offers no parameters
        return {}


class _Walker:
    def __init__(self) -> None:
        self.index: dict[str, list[str]] = {}

    def branches(self, node: dict, defs: dict) -> list[dict]:
        while "$ref" in node:
            node = defs[node["$ref"].rsplit("/", 1)[-1]]
        if "anyOf" in node or "oneOf" in node:
            found = []
            for option in node.get("anyOf", []) + node.get("oneOf", []):
                found += self.branches(option, defs)
            return found
        return [node]

    def add(self, path: str, choices: list[str]) -> None:
        known = self.index.setdefault(path, [])
        known += [c for c in choices if c not in known]

    def walk(self, node: dict, defs: dict, value: Any, path: str, owner: dict | None = None) -> None:
        tags = sorted(node.get("discriminator", {}).get("mapping", {}))
        branches = self.branches(node, defs)
        if tags and isinstance(value, dict) and value.get("type") in tags:
            branches = [b for b in branches if b.get("properties", {}).get("type", {}).get("const") == value["type"]]
        choices: list[str] = []
        for branch in branches:
            choices += _choices(branch)
            if branch.get("type") == "object" and "properties" in branch:
                for name, prop in branch["properties"].items():
                    child = f"{path}.{name}" if path else name
                    sub = value.get(name) if isinstance(value, dict) else None
                    if name == "type" and tags:
                        self.add(child, [_text(tag) for tag in tags])
                    self.walk(prop, defs, sub, child, value if isinstance(value, dict) else None)
            elif branch.get("type") == "object" and path.endswith(".params") and owner and owner.get("name"):
                schema = params_schema(str(owner["name"]))
                if schema:
                    self.walk(schema, schema.get("$defs", {}), value, path)
            elif branch.get("type") == "array" and isinstance(value, list) and "items" in branch:
                for position, item in enumerate(value):
                    key = item.get("name") if isinstance(item, dict) and isinstance(item.get("name"), str) else position
                    child = f"{path}.{key}"
                    self.add(child, [])
                    self.walk(branch["items"], defs, item, child)
        if path:
            self.add(path, choices)


def _choices(node: dict) -> list[str]:
    if "enum" in node:
        return [_text(v) for v in node["enum"]]
    if "const" in node:
        return [_text(node["const"])]
    if node.get("type") == "boolean":
        return ["true", "false"]
    return []


def _text(value: Any) -> str:
    """A value as typed at the prompt, in YAML: true, 3, hex; a string YAML would read as
    something else is quoted ('null' is the sink type, null is nothing)."""
    text = yaml.safe_dump(value, default_flow_style=True).removesuffix("\n...\n").strip()
    return text


def field_index(data: dict | None) -> dict[str, list[str]]:
    """Every field path of ``data`` (a profile's dict form, or None) -> its choices."""
    schema = profile_schema()
    walker = _Walker()
    walker.walk(schema, schema.get("$defs", {}), data or {}, "")
    return walker.index

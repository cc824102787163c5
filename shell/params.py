"""``--param KEY=VALUE`` options (and the shell's ``set PATH VALUE``): values parsed as YAML
scalars (``3`` is an int, ``true`` a bool)."""

from __future__ import annotations

import click
import yaml


def parse_value(text: str):
    """``text`` as a YAML scalar or flow collection (``3``, ``true``, ``[a, b]``); an empty
    string or text that is not YAML stays a string. Shared with the shell's ``set``."""
    if not text:
        return ""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def parse_params(pairs: tuple[str, ...]) -> dict:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{pair}' is not KEY=VALUE", param_hint="--param")
        params[key] = parse_value(value)
    return params

"""``--param KEY=VALUE`` options: values parsed as YAML scalars (``3`` is an int, ``true`` a bool)."""

from __future__ import annotations

import click
import yaml


def parse_params(pairs: tuple[str, ...]) -> dict:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"'{pair}' is not KEY=VALUE", param_hint="--param")
        try:
            params[key] = yaml.safe_load(value) if value else ""
        except yaml.YAMLError:
            params[key] = value
    return params

"""``oe profiles list | show NAME | validate FILE... | schema``."""

from __future__ import annotations

import json

import click
import yaml

from openentropy.errors import ProfileError


@click.group()
def profiles() -> None:
    """List, show, validate profiles, or print their JSON Schema."""


@profiles.command("list")
def list_profiles() -> None:
    """The shipped profiles with their descriptions."""
    from openentropy.engine.loader import load_profile, shipped_profiles

    for name in shipped_profiles():
        profile = load_profile(name)
        click.echo(f"{name:<12} {profile.description}")


@profiles.command("show")
@click.argument("profile")
def show(profile: str) -> None:
    """Print PROFILE (a name or file) fully resolved: extends merged, defaults filled."""
    from openentropy.engine.loader import load_profile

    data = load_profile(profile).model_dump(mode="json")
    click.echo(yaml.safe_dump(data, sort_keys=False), nl=False)


@profiles.command("validate")
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check each profile; print 'ok' or every problem with file:line:column. Exit 2 if any fails."""
    from openentropy.engine.loader import load_profile

    failed = False
    for file in files:
        try:
            load_profile(file)
        except ProfileError as error:
            failed = True
            for line in str(error).splitlines():
                click.echo(line, err=True)
        else:
            click.echo(f"{file}: ok")
    if failed:
        raise SystemExit(2)


@profiles.command("schema")
def schema() -> None:
    """The profile JSON Schema, for editor completion and validation."""
    from openentropy.engine.profile import Profile

    click.echo(json.dumps(Profile.model_json_schema(), indent=2))

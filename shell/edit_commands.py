"""The shell's profile commands: ``load``, ``show``, ``set``, ``unset``, ``add``, ``remove``, ``save``.

Each is a click command run with ``obj`` set to the ``Shell`` (commands.py), so options,
usage errors and ``--help`` behave as on the command line. Argument names say what
completes there (completion.py): ``profile``, ``path``, ``value``, ``file``,
``new_source``, ``loaded_source``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click
import yaml

from . import editing
from .params import parse_value

pass_shell = click.pass_obj


def _dump(value) -> str:
    if isinstance(value, (dict, list)):
        return yaml.safe_dump(value, sort_keys=False).rstrip("\n")
    return yaml.safe_dump(value).removesuffix("\n...\n").rstrip("\n")


@click.command("load")
@click.argument("profile")
@pass_shell
def load(shell, profile: str) -> None:
    """Load PROFILE (a shipped name or a YAML file) as the session's profile.

    Unsaved edits of the current profile are dropped.
    """
    draft = shell.session.load(profile)
    sources = ", ".join(s.name for s in draft.profile.sources)
    click.echo(f"loaded {draft.profile.name}: {sources}")


@click.command("show")
@click.argument("path", required=False)
@pass_shell
def show(shell, path: str | None) -> None:
    """Print the loaded profile fully resolved (defaults filled), or the field at PATH.

    \b
    Examples:
      show
      show pool.mode
      show sources.clock_jitter
    """
    resolved = shell.session.require().resolved()
    click.echo(_dump(resolved if path is None else editing.get_path(resolved, path)))


@click.command("set")
@click.argument("path")
@click.argument("value", nargs=-1, required=True)
@pass_shell
def set_field(shell, path: str, value: tuple[str, ...]) -> None:
    """Set the field at PATH to VALUE (YAML: 2, true, 250ms, [a, b], {type: lsb}).

    The edited profile is validated at once, with the same messages as a file.
    A list item is addressed by name (sources) or index; the index one past
    the end appends.

    \b
    Examples:
      set sources.clock_jitter.weight 2
      set pool.mode full_entropy
      set sinks.0 {type: file, path: out.bin}
      set sinks.0.type 'null'          (quoted: a bare null is YAML's null)
    """
    session = shell.session
    parsed = parse_value(" ".join(value))
    draft = session.require()
    session.edit(editing.set_path(draft.data, path, parsed, draft.resolved()))
    click.echo(f"{path} = {_dump(editing.get_path(session.draft.resolved(), path))}")


@click.command("unset")
@click.argument("path")
@pass_shell
def unset_field(shell, path: str) -> None:
    """Remove the field at PATH (it takes its default again), or a list item."""
    session = shell.session
    session.edit(editing.unset_path(session.require().data, path))
    try:
        now = _dump(editing.get_path(session.draft.resolved(), path))
    except editing.EditError:
        click.echo(f"{path} removed")
    else:
        click.echo(f"{path} = {now} (default)")


@click.command("add")
@click.argument("kind", type=click.Choice(["source"]))
@click.argument("new_source", metavar="NAME")
@pass_shell
def add(shell, kind: str, new_source: str) -> None:
    """Add a source to the loaded profile, with default settings.

    \b
    Example:
      add source tsc_clock_beat
    """
    session = shell.session
    session.edit(editing.add_source(session.require().data, new_source))
    click.echo(f"added source {new_source}")


@click.command("remove")
@click.argument("kind", type=click.Choice(["source"]))
@click.argument("loaded_source", metavar="NAME")
@pass_shell
def remove(shell, kind: str, loaded_source: str) -> None:
    """Remove a source from the loaded profile."""
    session = shell.session
    session.edit(editing.remove_source(session.require().data, loaded_source))
    click.echo(f"removed source {loaded_source}")


@click.command("save")
@click.argument("file", required=False)
@pass_shell
def save(shell, file: str | None) -> None:
    """Write the loaded profile to FILE (default: the file it was loaded from).

    The file holds what was written or set (not the defaults), with any
    'extends' already merged in, so it stands alone.
    """
    session = shell.session
    draft = session.require()
    if file is None and session.origin is None:
        raise click.UsageError(f"'{draft.profile.name}' was not loaded from a file; give one: save my-profile.yaml")
    target = Path(os.path.expanduser(file)) if file else session.origin
    text = f"# {draft.profile.name}: saved by oe shell\n" + yaml.safe_dump(draft.data, sort_keys=False)
    temporary = target.with_name(f".{target.name}.tmp")
    try:  # written beside it, then renamed over it: a full disk never leaves half a profile
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise click.ClickException(f"cannot save to {target}: {error.strerror or error}") from None
    session.origin, session.dirty = target, False
    click.echo(f"saved {draft.profile.name} to {target}")


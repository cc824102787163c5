"""The shell's command table, and the commands about the shell itself (``help``,
``history``, ``exit``).

``COMMANDS`` maps a name to ``"module:attribute"``, a click command imported on first
use, exactly like the ``oe`` group's table (cli.py), and ``scan``, ``probe`` and
``bench``, ``assess`` and ``report`` *are* the ``oe`` commands, taken from that
table: one implementation. ``serve``/``stop`` run ``oe serve``'s app in the background.

A command runs as ``command.invoke(command.make_context(name, args, obj=shell))``:
click parses and checks the arguments, ``--help`` works, and ``ctx.obj`` is the ``Shell``
(repl.py), whose ``session`` holds the profile and the pool. Argument names tell the
completer what to offer (completion.py).
"""

from __future__ import annotations

import importlib
from types import MappingProxyType

import click

from .cli import COMMANDS as CLI_COMMANDS

COMMANDS = MappingProxyType(
    {
        "add": "openentropy.shell.edit_commands:add",
        "assess": CLI_COMMANDS["assess"],
        "bench": CLI_COMMANDS["bench"],
        "bytes": "openentropy.shell.harvest_commands:bytes_command",
        "exit": "openentropy.shell.commands:exit_command",
        "health": "openentropy.shell.harvest_commands:health",
        "help": "openentropy.shell.commands:help_command",
        "history": "openentropy.shell.commands:history_command",
        "load": "openentropy.shell.edit_commands:load",
        "pool": "openentropy.shell.harvest_commands:pool",
        "probe": CLI_COMMANDS["probe"],
        "record": "openentropy.shell.harvest_commands:record",
        "remove": "openentropy.shell.edit_commands:remove",
        "report": CLI_COMMANDS["report"],
        "run": "openentropy.shell.harvest_commands:run",
        "save": "openentropy.shell.edit_commands:save",
        "scan": CLI_COMMANDS["scan"],
        "serve": "openentropy.shell.service_commands:serve",
        "set": "openentropy.shell.edit_commands:set_field",
        "show": "openentropy.shell.edit_commands:show",
        "stop": "openentropy.shell.service_commands:stop",
        "unset": "openentropy.shell.edit_commands:unset_field",
    }
)

#: other spellings accepted at the prompt
ALIASES = MappingProxyType({"?": "help", "quit": "exit"})


class UnknownCommandError(click.UsageError):
    pass


def get_command(name: str) -> click.Command:
    """The click command called ``name`` (or an alias of it)."""
    from openentropy.suggest import did_you_mean

    target = COMMANDS.get(ALIASES.get(name, name))
    if target is None:
        raise UnknownCommandError(f"unknown command '{name}'{did_you_mean(name, list(COMMANDS))}; 'help' lists them")
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def with_defaults(name: str, command: click.Command, args: list[str], shell) -> list[str]:
    """``args`` plus what the shell fills in: ``bench`` without sources (or ``--all``)
    measures the loaded profile's sources."""
    draft = shell.session.draft
    if name == "report" and draft is not None:
        return _report_defaults(command, args, draft)
    if name != "bench" or draft is None or "--all" in args:
        return args
    with command.make_context(name, list(args), resilient_parsing=True) as ctx:
        if ctx.params.get("sources"):
            return args
    return [*args, *(spec.name for spec in draft.profile.sources)]


def _report_defaults(command: click.Command, args: list[str], draft) -> list[str]:
    """``report`` without a profile or inputs reports on the loaded (maybe edited) profile,
    written to a temporary YAML file that report loads like any other."""
    import tempfile

    import yaml

    with command.make_context("report", list(args), resilient_parsing=True) as ctx:
        if ctx.params.get("profile") or ctx.params.get("sources") or ctx.params.get("files"):
            return args
    data = draft.profile.model_dump(mode="json", exclude={"extends"})
    handle = tempfile.NamedTemporaryFile("w", suffix=".yaml", prefix=f"oe-shell-{draft.profile.name}-", delete=False)
    with handle:
        yaml.safe_dump(data, handle, sort_keys=False)
    return [handle.name, *args]


def summary(command: click.Command) -> str:
    return command.get_short_help_str(limit=72)


@click.command("help")
@click.argument("command", required=False)
def help_command(command: str | None) -> None:
    """List the commands, or show COMMAND's options and examples."""
    if command is None:
        width = max(map(len, COMMANDS))
        for name in COMMANDS:
            click.echo(f"  {name:<{width}}  {summary(get_command(name))}")
        click.echo("Type 'help COMMAND' (or 'COMMAND --help') for its options. Tab completes; Ctrl-D exits.")
        return
    target = get_command(command)
    with click.Context(target, info_name=ALIASES.get(command, command)) as ctx:
        click.echo(target.get_help(ctx))


@click.command("history")
@click.argument("count", type=click.IntRange(min=1), required=False)
@click.pass_obj
def history_command(shell, count: int | None) -> None:
    """The commands typed so far (kept across sessions), oldest first; COUNT: only the last ones."""
    lines = shell.history_lines()
    start = max(0, len(lines) - count) if count else 0
    for number, line in enumerate(lines[start:], start + 1):
        click.echo(f"{number:5}  {line}")


@click.command("exit")
@click.pass_obj
def exit_command(shell) -> None:
    """Leave the shell (Ctrl-D does the same)."""
    shell.finished = True

"""``oe shell [PROFILE]``: the interactive shell (repl.py), or a script of its commands."""

from __future__ import annotations

import shlex
import sys

import click


@click.command("shell")
@click.argument("profile", required=False)
@click.option("--script", type=click.Path(exists=True, dir_okay=False),
              help="Run the commands in this file (one a line, # comments) and exit.")
def shell_command(profile: str | None, script: str | None) -> None:
    """Explore interactively: load a profile, edit it, probe sources, watch health,
    pull bytes, save what you built. PROFILE is loaded first.

    The bottom toolbar (profile, healthy sources, credited balance, bytes out)
    stays live while a command runs, with its progress; Ctrl-C cancels the
    command, lines typed meanwhile run after it, Ctrl-D exits.

    With --script FILE, or with commands on standard input when it is not a
    terminal, the same commands run without a prompt; the first failing one stops
    the script with its exit status.

    \b
    Examples:
      oe shell default
      oe shell --script build-profile.oe
      printf 'load fast\\nbytes 32\\n' | oe shell
    """
    from prompt_toolkit.history import FileHistory

    from .repl import Shell, history_path

    scripted = script is not None or not sys.stdin.isatty()
    shell = Shell() if scripted else Shell(history=FileHistory(_ensure_parent(history_path())))
    try:
        if profile is not None:
            status = shell.execute(f"load {shlex.quote(profile)}")
            if status and scripted:
                raise SystemExit(status)
        if script is not None:
            with open(script, encoding="utf-8") as handle:
                raise SystemExit(shell.run_script(handle.read().splitlines(), script))
        if scripted:
            raise SystemExit(shell.run_script(sys.stdin.read().splitlines(), "<stdin>"))
        shell.loop()
    finally:
        shell.close()


def _ensure_parent(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)

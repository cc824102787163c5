"""``oe shell``: a prompt_toolkit ``PromptSession`` loop over the command table.

    Shell.execute(line) -> status     one command: parse (shlex), look up, run; errors
                                      are printed on stderr and become a status, never an
                                      exception: the session goes on
    Shell.loop()                      interactive: prompt, completion, history, toolbar
    Shell.run_script(lines, name)     non-interactive (``--script FILE`` or piped stdin):
                                      stops at the first failing command, returns its status

Statuses, as the ``oe`` command's: 0 ok; 1 a run-time failure; 2 bad input (a usage
error, an invalid profile or edit); 130 cancelled by Ctrl-C.

Ctrl-C at the prompt clears the line; during a command it cancels the command (``run``
first finishes its round and closes the sinks, as ``oe run`` does) and returns to the
prompt. Ctrl-D or ``exit`` leaves. Commands run in the main thread, so Ctrl-C reaches
them as ``KeyboardInterrupt`` (or as ``run``'s own stop signal). In the interactive loop
a command that takes a while gets the live toolbar (live_toolbar.py): its progress, the
pool's figures, and lines typed ahead, which run after it.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import click
from prompt_toolkit import PromptSession
from prompt_toolkit.history import History, InMemoryHistory

from openentropy.errors import OpenEntropyError, ProfileError

from .cli import EXIT_INTERRUPTED, EXIT_RUNTIME, EXIT_USAGE
from .commands import get_command, with_defaults
from .completion import ShellCompleter
from .console import can_redraw
from .live_toolbar import END_OF_INPUT, LiveToolbar, TypeAhead
from .session import Session
from .toolbar import toolbar_text

PROMPT = "oe> "


def data_dir() -> Path:
    """openentropy's folder in the user's data directory (``$XDG_DATA_HOME``, else ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "openentropy"


def history_path() -> Path:
    return data_dir() / "history"


def raw_value(command: click.Command, line: str, args: list[str]) -> list[str]:
    """For a command whose last argument is ``value`` (``set PATH VALUE``): that value as
    typed, quotes and spaces kept, since it is YAML (``set sinks.0 {type: "null"}``)."""
    params = [p for p in command.params if isinstance(p, click.Argument)]
    if not params or params[-1].name != "value":
        return args
    before = len(params) - 1
    if len(args) <= before or any(a.startswith("-") for a in args[:before]):
        return args
    match = re.match(r"\s*\S+" + r"\s+\S+" * before + r"\s+(.*?)\s*$", line)
    return args[:before] + ["--", match.group(1)] if match else args  # "--": a value may start with '-'



def show_error(message: str) -> None:
    for line in message.splitlines() or ["unknown error"]:
        click.secho(f"error: {line}", err=True, fg="red")


class Shell:
    def __init__(self, session: Session | None = None, history: History | None = None):
        self.session = session or Session()
        self.history = history or InMemoryHistory()
        self.finished = False
        self.service = None  # the REST service 'serve' started, if any

    def close(self) -> None:
        """Stop what the session left running (the background REST service)."""
        if self.service is not None:
            self.service.stop()
            self.service = None

    def history_lines(self) -> list[str]:
        return list(reversed(list(self.history.load_history_strings())))

    def execute(self, line: str) -> int:
        """Run one command line; returns its status (errors are printed, not raised)."""
        try:
            words = shlex.split(line, comments=True)
        except ValueError as error:
            show_error(f"cannot parse the line: {error}")
            return EXIT_USAGE
        if not words:
            return 0
        name, args = words[0], words[1:]
        try:
            command = get_command(name)
            args = raw_value(command, line, args)
            args = with_defaults(name, command, args, self)
            # not command.main: it would swallow exit codes and print a blank line on Ctrl-C
            with command.make_context(name, list(args), obj=self) as ctx:
                command.invoke(ctx)
        except click.exceptions.Exit as done:
            return done.exit_code
        except click.UsageError as error:
            if error.ctx is not None:
                click.echo(error.ctx.get_usage(), err=True)
            show_error(error.format_message())
            return EXIT_USAGE
        except click.ClickException as error:
            show_error(error.format_message())
            return error.exit_code
        except (click.Abort, KeyboardInterrupt):
            if can_redraw(sys.stderr):  # a terminal in cooked mode echoed ^C: end that line
                click.echo(err=True)
            show_error(f"{name}: cancelled")
            return EXIT_INTERRUPTED
        except SystemExit as stopped:  # a reused oe command's exit status (it printed why)
            return stopped.code if isinstance(stopped.code, int) else EXIT_RUNTIME
        except ProfileError as error:
            show_error(str(error))
            return EXIT_USAGE
        except (OpenEntropyError, OSError) as error:
            show_error(str(error))
            return EXIT_RUNTIME
        except Exception as error:  # a bug: report it and keep the session alive
            show_error(f"{name}: unexpected {type(error).__name__}: {error}")
            return EXIT_RUNTIME
        return 0

    def prompt_session(self, **io) -> PromptSession:
        return PromptSession(
            PROMPT, completer=ShellCompleter(self), history=self.history, complete_while_typing=False,
            bottom_toolbar=lambda: toolbar_text(self.session), refresh_interval=0.5, **io,
        )

    def loop(self, **io) -> None:
        """Prompt until ``exit`` or Ctrl-D. ``io``: ``input``/``output`` for tests."""
        prompt = self.prompt_session(**io)
        typed = TypeAhead()  # typed while commands ran: queued lines, then the unfinished one
        try:
            while not self.finished:
                if typed.lines:
                    line = typed.lines.pop(0)
                    if line is END_OF_INPUT:
                        break
                    click.echo(f"{PROMPT}{line}")  # the transcript shows what ran
                    if line.strip():
                        self.history.append_string(line)
                else:
                    try:
                        line = prompt.prompt(default=typed.partial)
                    except KeyboardInterrupt:
                        continue
                    except EOFError:
                        break
                    finally:
                        typed.partial = ""
                try:
                    self.execute_live(line, typed, **io)
                except KeyboardInterrupt:  # arrived between a command's end and the next prompt
                    typed = TypeAhead()
        finally:
            self.session.close()

    def execute_live(self, line: str, typed: TypeAhead, **io) -> int:
        """``execute(line)`` under the live toolbar, which adds what is typed meanwhile to ``typed``.

        Ctrl-C drops what was typed before it, as a terminal flushes its input on an
        interrupt: the toolbar does that when the key reaches it, and keeps what is typed
        after; a Ctrl-C that came before the toolbar started (the terminal's own) drops it all.
        """
        with LiveToolbar(line.strip(), lambda: toolbar_text(self.session), typed, **io) as live:
            status = self.execute(line)
        if status == EXIT_INTERRUPTED and not live.interrupted_by_key:
            typed.lines.clear()
            typed.partial = ""
        return status

    def run_script(self, lines: list[str], name: str) -> int:
        """Run ``lines`` in order; stop at the first failure and return its status."""
        try:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    self.history.append_string(line)
                status = self.execute(line)
                if status:
                    show_error(f"{name}:{number}: stopped at '{line.strip()}' (status {status})")
                    return status
                if self.finished:
                    break
            return 0
        finally:
            self.session.close()

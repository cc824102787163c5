"""Tab completion for the shell, derived from what the commands declare.

    word 1            command names (commands.COMMANDS)
    --...             the command's own click options
    after an option   that option's click.Choice values
    an argument       by the click argument's name:
                        profile        shipped profiles and *.yaml / *.yml files
                        file           files and folders
                        source(s)      every registered source
                        new_source     registered sources the profile lacks
                        loaded_source  the loaded profile's sources
                        path           the loaded profile's field paths (fields.py)
                        value          the choices of the field named before it
                        command        command names
                      and a click.Choice argument offers its choices
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable

import click
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from .commands import COMMANDS, get_command
from .fields import field_index

PROFILE_SUFFIXES = (".yaml", ".yml")


def split_line(text: str) -> tuple[list[str], str]:
    """(complete words before the cursor, the word being typed)."""
    try:
        words = shlex.split(text)
    except ValueError:  # an open quote: complete the raw rest
        words = text.split()
    if text and not text[-1].isspace() and words:
        return words[:-1], words[-1]
    return words, ""


def files(prefix: str, suffixes: tuple[str, ...] = ()) -> list[str]:
    """Files and folders (with a trailing /) whose path starts with ``prefix``."""
    folder, sep, start = prefix.rpartition("/")
    try:
        entries = sorted(os.scandir(os.path.expanduser(folder + sep) if sep else "."), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        if not entry.name.startswith(start) or (entry.name.startswith(".") and not start.startswith(".")):
            continue
        if entry.is_dir():
            found.append(folder + sep + entry.name + "/")
        elif not suffixes or entry.name.endswith(suffixes):
            found.append(folder + sep + entry.name)
    return found


class ShellCompleter(Completer):
    def __init__(self, shell):
        self.shell = shell

    # what each argument name completes to
    def _kinds(self) -> dict[str, Callable[[list[str], str], Iterable[str]]]:
        from openentropy.engine.loader import shipped_profiles
        from openentropy.sources.registry import source_names

        draft = self.shell.session.draft
        loaded = [spec.name for spec in draft.profile.sources] if draft else []
        return {
            "profile": lambda args, word: [*shipped_profiles(), *files(word, PROFILE_SUFFIXES)],
            "file": lambda args, word: files(word),
            "source": lambda args, word: source_names(),
            "sources": lambda args, word: source_names(),
            "new_source": lambda args, word: [n for n in source_names() if n not in loaded],
            "loaded_source": lambda args, word: loaded,
            "path": lambda args, word: list(field_index(draft.data if draft else None)),
            "value": lambda args, word: field_index(draft.data if draft else None).get(args[0], []) if args else [],
            "command": lambda args, word: list(COMMANDS),
        }

    def candidates(self, words: list[str], word: str) -> Iterable[str]:
        if not words:
            return list(COMMANDS)
        try:
            command = get_command(words[0])
        except click.UsageError:
            return []
        options = [p for p in command.params if isinstance(p, click.Option)]
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        if word.startswith("-"):
            return [name for p in options for name in p.opts if name.startswith("--")] + ["--help"]
        positional: list[str] = []
        pending: click.Option | None = None
        for item in words[1:]:
            if pending is not None:
                pending = None
                continue
            option = next((p for p in options if item in p.opts), None)
            if option is not None:
                pending = option if not option.is_flag else None
            elif not item.startswith("-"):
                positional.append(item)
        if pending is not None:
            return list(pending.type.choices) if isinstance(pending.type, click.Choice) else []
        if not arguments:
            return []
        index = min(len(positional), len(arguments) - 1)
        argument = arguments[index]
        if index < len(positional) and argument.nargs == 1:
            return []  # every argument is given
        if isinstance(argument.type, click.Choice):
            return list(argument.type.choices)
        complete = self._kinds().get(argument.name or "")
        return complete(positional, word) if complete else []

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        words, word = split_line(document.text_before_cursor)
        seen = set()
        for candidate in sorted(self.candidates(words, word)):
            if candidate.startswith(word) and candidate not in seen:
                seen.add(candidate)
                yield Completion(candidate, start_position=-len(word))

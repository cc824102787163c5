"""What the running command is doing, in one line, for the shell's live toolbar.

    report("bench: clock_jitter (2 of 5)")     a long command says where it is
    current() -> str                           the toolbar reads it (from another thread)
    clear()                                    the shell resets it between commands

When a command cannot redraw a live display (the shell's toolbar owns the bottom of the
terminal, see console.can_redraw), this line is its progress. One module-level slot is
enough: a process runs at most one shell command at a time. Plain ``oe`` commands
report here too; nothing reads it there.
"""

from __future__ import annotations

_line = ""


def report(text: str) -> None:
    global _line
    _line = text  # one reference assignment: atomic, so no lock is needed for the reader


def current() -> str:
    return _line


def clear() -> None:
    report("")

"""Rich consoles for command output: a terminal's own width, or a wide fixed one when
redirected (rich would otherwise squeeze tables into 80 columns and truncate names)."""

from __future__ import annotations

import sys

from rich.console import Console

REDIRECTED_WIDTH = 160


def stdout_console() -> Console:
    return Console() if sys.stdout.isatty() else Console(width=REDIRECTED_WIDTH)

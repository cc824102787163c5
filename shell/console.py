"""Rich consoles for command output: a terminal's own width, or a wide fixed one when
redirected (rich would otherwise squeeze tables into 80 columns and truncate names)."""

from __future__ import annotations

import sys

from rich.console import Console

REDIRECTED_WIDTH = 160


def can_redraw(stream) -> bool:
    """Whether a live display that moves the cursor (rich Live, Progress) may draw on
    ``stream``: a terminal, and not the shell's line-by-line output above its live
    toolbar (routed_output.RoutedStream), where it reports to activity.py instead."""
    return stream.isatty() and not getattr(stream, "line_oriented", False)


def stdout_console() -> Console:
    return Console() if sys.stdout.isatty() else Console(width=REDIRECTED_WIDTH)

"""Live progress of ``oe run`` on stderr: rounds, bytes, and each source's last status.

Enabled only when stderr is a terminal it may redraw (console.can_redraw); otherwise it
draws nothing, so a piped run prints nothing but its output. Either way each round's
one-line summary goes to activity.py, which the shell's live toolbar shows.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from rich.table import Table

from openentropy.engine.outcome import RoundResult, RunSummary
from openentropy.engine.profile import Profile

from . import activity

_STATUS_STYLE = {"ok": "green", "late": "yellow", "busy": "yellow", "startup": "cyan", "empty": "red", "failed": "red",
                 "quarantined": "red", "unavailable": "dim"}


class RunProgress:
    def __init__(self, profile: Profile, *, enabled: bool):
        self.profile = profile
        self.enabled = enabled
        self._started = time.monotonic()
        self._live: Live | None = None

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def __enter__(self) -> "RunProgress":
        self._started = time.monotonic()
        if self.enabled:
            self._live = Live(console=Console(stderr=True), refresh_per_second=8, transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._live is not None:
            self._live.__exit__(*exc_info)
            self._live = None

    def update(self, result: RoundResult, summary: RunSummary) -> None:
        activity.report(self._headline(summary))
        if self._live is not None:
            self._live.update(self._render(result, summary))

    def _headline(self, summary: RunSummary) -> str:
        elapsed = self.elapsed()
        rate = summary.bytes_out / elapsed if elapsed > 0 else 0.0
        return (f"{self.profile.name}: round {summary.rounds}, {summary.bytes_out:,} bytes, "
                f"{elapsed:.1f} s, {rate / 1024:,.1f} KiB/s")

    def _render(self, result: RoundResult, summary: RunSummary) -> Table:
        table = Table(title=self._headline(summary), title_justify="left")
        for column in ("source", "status", "health", "samples", "bytes", "min-entropy", "credited", "time", "failures"):
            table.add_column(column, justify="left" if column in ("source", "status", "health") else "right")
        for s in result.sources:
            totals = summary.sources.get(s.name, {})
            style = _STATUS_STYLE.get(s.status.value, "")
            table.add_row(
                s.name, f"[{style}]{s.status.value}[/]", s.health, f"{s.samples:,}", f"{s.bytes:,}",
                f"{s.min_entropy:.2f} b/B", f"{s.credited_bits:,.0f} b", f"{s.duration_s * 1000:.1f} ms",
                str(totals.get("failures", 0)),
            )
        return table

"""``oe monitor [PROFILE]``: the live dashboard (monitor.py, monitor_app.py)."""

from __future__ import annotations

import click


@click.command("monitor")
@click.argument("profile", default="default")
@click.option("--interval", type=click.FloatRange(min=0.05, max=3600), default=1.0, show_default=True,
              help="Seconds between rounds (and screen refreshes).")
@click.option("--sessions", type=click.Path(file_okay=False), default=None,
              help="Folder for recordings ('r'); default: the data directory's sessions/.")
def monitor_command(profile: str, interval: float, sessions: str | None) -> None:
    """Watch PROFILE live: one row per source with health, min-entropy,
    throughput, failures and a min-entropy sparkline; pool totals and balance.
    Output goes nowhere (a null sink).

    \b
    Keys: q quit, p pause, s cycle the sort column, r start/stop recording raw
    samples to a session folder, ? help.

    \b
    Examples:
      oe monitor
      oe monitor paranoid --interval 0.5
    """
    from pathlib import Path

    from openentropy.engine.loader import load_profile

    from .monitor_app import Monitor
    from .repl import data_dir

    spec = load_profile(profile)
    Monitor(spec, interval, Path(sessions) if sessions else data_dir() / "sessions").run()

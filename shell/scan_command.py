"""``oe scan``: every source, available or not, and whether the native core is present."""

from __future__ import annotations

import json
from dataclasses import asdict

import click


@click.command("scan")
@click.option("--json", "as_json", is_flag=True, help="Print the scan as JSON.")
@click.option("--available", "only_available", is_flag=True, help="Only list sources that can run here.")
def scan_command(as_json: bool, only_available: bool) -> None:
    """List every source: category, available here (or why not), native core use.

    \b
    Examples:
      oe scan
      oe scan --available --json
    """
    from .console import stdout_console
    from rich.table import Table

    from openentropy.engine.measure import scan_sources
    from openentropy.sources import _native

    rows = [row for row in scan_sources() if row.available or not only_available]
    if as_json:
        payload = {"native_core": _native.AVAILABLE, "sources": [asdict(row) for row in rows]}
        click.echo(json.dumps(payload, indent=2))
        return
    console = stdout_console()
    core = "[green]built[/]" if _native.AVAILABLE else f"[red]missing[/] ({_native.UNAVAILABLE_REASON})"
    table = Table(title=f"{sum(r.available for r in rows)} of {len(rows)} sources available; native timing core: {core}",
                  title_justify="left")
    for column in ("source", "category", "available", "native", "notes / reason"):
        table.add_column(column)
    for row in rows:
        note = row.reason or ", ".join(f"{k}: {v}" for k, v in row.notes.items())
        if not row.physical:
            note = ("reference, not credited; " + note).rstrip("; ")
        table.add_row(row.name, row.category, "[green]yes[/]" if row.available else "[red]no[/]",
                      "C" if row.native else "Python", note)
    console.print(table)

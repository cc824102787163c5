"""``oe sessions``: list recorded sessions, and analyze one with ``oe report``'s machinery.

    oe sessions [PATH] [--json]        a table: id, start, duration, sources, rounds (or
                                       "N restarts" for a restart matrix),
                                       bytes (the chunks on disk), tags; PATH is a folder
                                       of sessions (default: where ``oe record`` writes)
                                       or one session
    oe sessions analyze SESSION [--source NAME] [--report FILE] [--max-bytes N]
                                       the 31-test battery and the SP 800-90B estimators
                                       on each recorded source's mixed bytes

Listing reads only ``meta.json`` and ``index.jsonl``; analyzing reads the chunks
(engine/recorded_session.py). SESSION is a session's folder, or its id under the default
folder. The analysis is ``oe report --source`` on recorded bytes: the same ``Report``,
the same Markdown / JSON / HTML / JUnit writers (chosen by FILE's suffix), the same
thresholds (battery grade C, 28 of 31 passed) and exit 1 below them.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .record_command import default_sessions_folder

#: report file suffix -> format (engine/report_formats.py writers)
SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html", ".htm": "html",
            ".xml": "junit"}
#: bytes of each source analyzed at most: the sample count SP 800-90B asks for (as oe assess)
MAX_BYTES = 1_000_000


class SessionsGroup(click.Group):
    """``oe sessions [PATH]`` lists; ``oe sessions analyze ...`` is the subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@click.group("sessions", cls=SessionsGroup)
def sessions() -> None:
    """Recorded sessions (oe record, the monitor's 'r', the shell's 'record').

    \b
    Examples:
      oe sessions                          the sessions in the default folder
      oe sessions sessions/ --json
      oe sessions analyze default-20261130-221500 --report analysis.html
      oe sessions analyze sessions/default-20261130-221500 --source clock_jitter
    """


def _duration(seconds: float | None, ended: bool) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.1f} s" + ("" if ended else " (unfinished)")


@sessions.command("list")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_command(path: str | None, as_json: bool) -> None:
    """List the sessions in PATH (default: where oe record writes)."""
    from rich.table import Table

    from openentropy.engine.recorded_session import find_sessions, summarize

    from .console import stdout_console

    root = Path(path) if path else default_sessions_folder()
    rows = [summarize(folder) for folder in find_sessions(root)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(f"no sessions in {root}; 'oe record' makes one")
        return
    table = Table(title=f"{len(rows)} sessions in {root}", title_justify="left")
    for column in ("id", "start", "duration", "sources", "rounds", "bytes", "tags"):
        table.add_column(column, justify="right" if column in ("rounds", "bytes", "duration") else "left")
    for row in rows:
        tags = " ".join(f"{k}={v}" for k, v in row["tags"].items())
        table.add_row(row["id"], (row["started"] or "-")[:19].replace("T", " "), _duration(row["duration_s"], row["ended"]),
                      ", ".join(row["sources"]), _count(row), f"{row['bytes']:,}", tags or "-")
    stdout_console().print(table)


def _count(row: dict) -> str:
    """The rounds column: rounds, or a restart session's rows (``oe record --restarts``)."""
    return f"{row['restarts']:,} restarts" if row.get("kind") == "restarts" else f"{row['rounds']:,}"


def resolve_session(ref: str) -> Path:
    """A session's folder from a path or an id under the default folder."""
    path = Path(ref)
    if path.is_dir():
        return path
    under_default = default_sessions_folder() / ref
    if under_default.is_dir():
        return under_default
    raise click.BadParameter(f"no session '{ref}' (neither a folder nor a session id in {default_sessions_folder()}); "
                             "'oe sessions' lists them", param_hint="SESSION")


@sessions.command("analyze")
@click.argument("session")
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable; default: all).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False),
              help="Write the report here; the suffix picks the format: .md, .json, .html, .xml (JUnit).")
@click.option("--max-bytes", type=click.IntRange(min=1024), default=MAX_BYTES, show_default=True,
              help="Analyze at most the first N bytes of each source.")
def analyze_command(session: str, sources: tuple[str, ...], report_file: str | None, max_bytes: int) -> None:
    """Run the battery and the SP 800-90B estimators on SESSION's recorded sources
    (the bytes each mixed into the pool); exit 1 below oe report's thresholds."""
    from openentropy.engine import report as reporting
    from openentropy.engine.recorded_session import SessionError, load_session
    from openentropy.engine.report_formats import WRITERS
    from openentropy.engine.report_spec import ReportSpec
    from openentropy.suggest import did_you_mean

    from . import activity
    from .console import stdout_console
    from .report_command import _print_summary

    fmt = None
    if report_file:
        fmt = SUFFIXES.get(Path(report_file).suffix.lower())
        if fmt is None:
            raise click.BadParameter(f"'{report_file}': name a .md, .json, .html or .xml file", param_hint="--report")
    try:
        recorded = load_session(resolve_session(session))
    except SessionError as error:
        raise click.BadParameter(str(error), param_hint="SESSION") from None
    names = list(sources) or recorded.sources
    for name in names:
        if name not in recorded.sources:
            raise click.BadParameter(f"session {recorded.path.name} has no source '{name}'"
                                     f"{did_you_mean(name, recorded.sources)} (its sources: "
                                     f"{', '.join(recorded.sources) or 'none'})", param_hint="--source")
    inputs = []
    for name in names:
        data = recorded.conditioned(name)
        if len(data) == 0:
            click.echo(f"oe: {name}: nothing was mixed in this session; skipped", err=True)
            continue
        note = f"first {max_bytes:,} of {len(data):,} bytes" if len(data) > max_bytes else ""
        inputs.append(reporting.ReportInput(name, "source", data[:max_bytes], note))
    if not inputs:
        raise SessionError(f"session {recorded.path.name}: no recorded bytes to analyze")
    report = reporting.build_report(f"openentropy session {recorded.path.name}", inputs, progress=activity.report)
    problems = report.verdict(ReportSpec())
    written = []
    if report_file:
        path = Path(report_file)
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(WRITERS[fmt](report, problems))
        written.append(path)
    _print_summary(stdout_console(), report, problems, written)
    if problems:
        raise SystemExit(1)

"""The shell's harvesting commands on the session's kept harvest: ``run``, ``bytes``,
``pool``, ``health``, ``record``.

``run`` is ``oe run``'s own loop (run_command.drive_rounds, the same Ctrl-C handling:
the first finishes the round and closes the sinks). ``bytes`` and ``pool --rounds``
run rounds that write to no sink: they only collect, health-test, mix and credit.
``record`` is ``oe record``'s loop (record_command.record_rounds) on the kept harvest.
"""

from __future__ import annotations

import json
import sys
import threading
import time

import click

pass_shell = click.pass_obj


def collect_rounds(session, count: int) -> None:
    """Run ``count`` rounds that feed the pool and write nowhere (its sinks are closed
    between commands)."""
    from . import activity

    harvest = session.harvest
    for number in range(1, count + 1):
        activity.report(f"collecting: round {number} of {count}")
        harvest.run_round(session.next_round_index(), 0)


@click.command("run")
@click.option("--rounds", type=click.IntRange(min=1), help="Stop after this many rounds.")
@click.option("--bytes", "n_bytes", type=click.IntRange(min=1), help="Write exactly this many bytes, then stop.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON summary, as 'oe run --json' does.")
@pass_shell
def run(shell, rounds: int | None, n_bytes: int | None, as_json: bool) -> None:
    """Run the loaded profile into its sinks, as 'oe run' does; the pool is kept.

    Without --rounds or --bytes the profile's own run limits apply (none: until
    Ctrl-C). Ctrl-C finishes the current round and closes the sinks.
    """
    from openentropy.engine.outcome import RunSummary

    from .console import can_redraw
    from .progress import RunProgress
    from .run_command import drive_rounds, graceful_sigint, summary_to_stderr

    if rounds is not None and n_bytes is not None:
        raise click.UsageError("give --rounds or --bytes, not both")
    session = shell.session
    profile = session.require().profile
    stop = threading.Event()
    summary = RunSummary(profile.name)
    with graceful_sigint(stop):
        status = drive_rounds(session.harvest, summary, RunProgress(profile, enabled=can_redraw(sys.stderr)), stop,
                              session.limits(rounds, n_bytes))
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2), err=summary_to_stderr(profile))
    else:
        click.echo(f"run {profile.name}: {summary.rounds} rounds, {summary.bytes_out:,} bytes out in "
                   f"{summary.duration_s:.2f} s ({summary.stopped_by})", err=summary_to_stderr(profile))
    if status:
        raise SystemExit(status)


@click.command("bytes")
@click.argument("count", type=click.IntRange(min=1, max=1 << 24))
@click.option("--hex", "fmt", flag_value="hex", default=True, help="Hexadecimal, 64 digits a line (default).")
@click.option("--base64", "fmt", flag_value="base64", help="Base64, 76 characters a line.")
@pass_shell
def bytes_command(shell, count: int, fmt: str) -> None:
    """Draw COUNT bytes from the session's pool and print them.

    Collects first if the pool has mixed nothing yet, and (full_entropy, drbg)
    until enough entropy is credited, for at most the profile's stall_timeout.
    """
    from openentropy.errors import EntropyTimeoutError
    from openentropy.pipelines.encoding import StreamEncoder

    session = shell.session
    profile = session.require().profile
    harvest = session.harvest
    deadline = time.monotonic() + profile.run.stall_timeout
    if harvest.status().mixed_bytes == 0:
        collect_rounds(session, 1)
    out = harvest.draw(count)
    while len(out) < count:
        if time.monotonic() > deadline:
            raise EntropyTimeoutError(
                f"bytes: {len(out)} of {count} bytes are backed by credited entropy after "
                f"{profile.run.stall_timeout:g} s; see 'health'"
            )
        collect_rounds(session, 1)
        out += harvest.draw(count - len(out))
    encoder = StreamEncoder(fmt)
    text = (encoder.feed(out) + encoder.finish()).decode("ascii")
    click.echo(text, nl=not text.endswith("\n"))


@click.command("pool")
@click.option("--rounds", type=click.IntRange(min=0, max=10_000), default=0, show_default=True,
              help="Rounds to collect first (output discarded).")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_shell
def pool(shell, rounds: int, as_json: bool) -> None:
    """The session pool's status, as 'oe pool' shows it: per-source health,
    failures, credits and the entropy balance."""
    from .console import stdout_console
    from .pool_command import render_status

    session = shell.session
    session.require()
    collect_rounds(session, rounds)
    status = session.harvest.status()
    if as_json:
        click.echo(json.dumps(status.to_dict(), indent=2))
    else:
        stdout_console().print(render_status(status))


@click.command("health")
@pass_shell
def health(shell) -> None:
    """Each source's SP 800-90B health state, failures and last min-entropy."""
    from rich.table import Table

    from .console import stdout_console

    session = shell.session
    session.require()
    status = session.pool_status()
    if status is None or not any(s.total_bytes or s.failures or s.health_failures for s in status.sources):
        click.echo("no rounds yet: 'run', 'bytes N' or 'pool --rounds N' collect some")
        return
    healthy = sum(s.health == "healthy" for s in status.sources)
    table = Table(title=f"{healthy}/{len(status.sources)} sources healthy", title_justify="left")
    for column in ("source", "health", "health failures", "last failure", "collect failures", "min-entropy"):
        table.add_column(column, justify="left" if column in ("source", "health", "last failure") else "right")
    for s in status.sources:
        table.add_row(s.name, s.health, str(s.health_failures), s.last_health_failure or "-", str(s.failures),
                      f"{s.last_min_entropy:.2f}")
    stdout_console().print(table)



@click.command("record")
@click.option("--duration", metavar="TIME", help="Stop after this long: 30s, 2m, 1.5 (seconds).")
@click.option("--rounds", type=click.IntRange(min=1), help="Stop after this many rounds.")
@click.option("--tag", "tags", multiple=True, metavar="KEY=VALUE", help="A tag kept in the metadata (repeatable).")
@click.option("--note", default="", help="A free-text note kept in the metadata.")
@click.option("--out", type=click.Path(file_okay=False), help="Folder for sessions (default: the data directory's sessions/).")
@click.option("--chunk", metavar="TIME", default="5s", show_default=True, help="Rounds are written in chunks this long.")
@pass_shell
def record(shell, duration, rounds, tags, note, out, chunk) -> None:
    """Record the loaded profile's rounds into a session folder, as 'oe record'
    does (same format); the pool is kept and no sink is written.

    Without --duration or --rounds it records until Ctrl-C (the profile's run
    limits do not apply). Ctrl-C finishes the round and writes the last chunk.
    """
    from pathlib import Path

    from .record_command import default_sessions_folder, parse_seconds, parse_tags, print_recorded, record_rounds
    from .run_command import graceful_sigint

    seconds, chunk_seconds, tag_map = parse_seconds(duration, "--duration"), parse_seconds(chunk, "--chunk"), parse_tags(tags)
    session = shell.session
    profile = session.require().profile
    limits = profile.with_run(rounds=rounds, bytes=None).run  # the profile's output limits do not apply
    stop = threading.Event()
    with graceful_sigint(stop):
        folder, summary = record_rounds(session.harvest, Path(out) if out else default_sessions_folder(), stop,
                                        duration=seconds, limits=limits, tags=tag_map, note=note,
                                        chunk_seconds=chunk_seconds)
    print_recorded(folder, summary)

"""``oe record``: harvest a profile (or named sources) and keep every round's raw samples
and mixed bytes per source in a session folder (format: pipelines/recording.py).

    record_rounds(harvest, root, stop, ...)   the loop, shared with the shell's ``record``

``oe record --source NAME --restarts N`` records a restart matrix instead (SP 800-90B
3.1.4: N restarts of the source, ``--samples-per-restart`` samples each; engine/restarts.py
collects, pipelines/restart_recording.py writes): ``--restart-mode`` fork or exec, each
restart bounded by ``--restart-timeout`` (a failure ends the recording: exit 1, every
complete chunk kept). Ctrl-C or SIGTERM stops after the restart in progress.

The profile's sinks are replaced by a null sink: the recording is the output, and the
profile's run limits (output bytes or rounds) do not apply. Stops after ``--duration``
(checked after each round), ``--rounds``, or a signal: the first Ctrl-C (SIGINT) or a SIGTERM
finishes the round in progress, writes the last chunk and the final metadata; exit 130
after Ctrl-C (as ``oe run``), 0 after SIGTERM, the duration or --rounds. A second
Ctrl-C interrupts the round, and the chunk is still written.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import click

from .cli import EXIT_INTERRUPTED


def default_sessions_folder() -> Path:
    """Where sessions go unless told: ``$XDG_DATA_HOME/openentropy/sessions``."""
    from .repl import data_dir

    return data_dir() / "sessions"


def parse_tags(pairs: tuple[str, ...]) -> dict[str, str]:
    tags = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"'{pair}' is not KEY=VALUE", param_hint="--tag")
        tags[key.strip()] = value
    return tags


def parse_seconds(text: str | None, option: str) -> float | None:
    """``--duration 30s`` / ``--chunk 500ms``: the profile language's durations, > 0."""
    if text is None:
        return None
    from pydantic_core import PydanticCustomError

    from openentropy.engine.duration import parse_duration

    try:
        seconds = parse_duration(text)
    except PydanticCustomError as error:
        raise click.BadParameter(str(error), param_hint=option) from None
    if seconds <= 0:
        raise click.BadParameter(f"must be more than 0, got {text!r}", param_hint=option)
    return seconds


def sources_profile(names: tuple[str, ...]):
    """A profile recording ``names`` with their default settings (an unknown name is
    refused like a typo in a file: ProfileError, did-you-mean)."""
    from openentropy.engine.loader import validate_document
    from openentropy.engine.yaml_marks import MarkedDocument

    document = {"name": "record", "description": "oe record --source " + " --source ".join(names),
                "sources": [{"name": name} for name in names], "sinks": [{"type": "null"}]}
    return validate_document(MarkedDocument(data=document), "--source")


def recording_profile(profile: str | None, sources: tuple[str, ...]):
    from openentropy.engine.loader import load_profile
    from openentropy.pipelines.sinks import NullSinkSpec

    if profile and sources:
        raise click.UsageError("give a PROFILE or --source names, not both")
    spec = sources_profile(sources) if sources else load_profile(profile or "default")
    return spec.model_copy(update={"sinks": [NullSinkSpec()]})


def record_rounds(harvest, root: Path, stop: threading.Event, *, duration: float | None = None, limits=None,
                  tags: dict[str, str] | None = None, note: str = "", chunk_seconds: float | None = None,
                  stopped_by: Callable[[], str] = lambda: "interrupted",
                  on_round: Callable[[object, object], None] | None = None):
    """Record ``harvest``'s rounds into a new session under ``root`` until ``duration``
    seconds, ``limits`` (default: the profile's run limits) or ``stop``; returns
    (the session's folder, the RunSummary). The session is closed (last chunk, final
    metadata) whatever ends it, an error included."""
    from openentropy.engine.outcome import RunSummary
    from openentropy.pipelines.recording import CHUNK_SECONDS, recording

    summary = RunSummary(harvest.profile.name)
    started = time.monotonic()
    ends = None if duration is None else started + duration
    with recording(harvest, root, tags=tags, note=note,
                   chunk_seconds=CHUNK_SECONDS if chunk_seconds is None else chunk_seconds) as writer:
        reason = "completed"
        for result in harvest.rounds(stop, limits):
            summary.add(result)
            if on_round is not None:
                on_round(result, summary)
            if ends is not None and time.monotonic() >= ends:
                reason = "duration"
                break
        if stop.is_set():
            reason = stopped_by()
        writer.meta["stopped_by"] = summary.stopped_by = reason
    summary.duration_s = time.monotonic() - started
    return writer.folder, summary


def print_recorded(folder: Path, summary) -> None:
    """The session's folder on stdout (for scripts), one summary line on stderr."""
    click.echo(str(folder))
    click.echo(f"recorded {summary.rounds} rounds of {', '.join(summary.sources) or 'no source'} in "
               f"{summary.duration_s:.1f} s ({summary.stopped_by})", err=True)


@click.command("record")
@click.argument("profile", required=False)
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Record this source with its default settings (repeatable; instead of PROFILE).")
@click.option("--duration", metavar="TIME", help="Stop after this long: 30s, 2m, 1h, 1.5 (seconds).")
@click.option("--rounds", type=click.IntRange(min=1), help="Stop after this many rounds.")
@click.option("--tag", "tags", multiple=True, metavar="KEY=VALUE", help="A tag kept in the metadata (repeatable).")
@click.option("--note", default="", help="A free-text note kept in the metadata.")
@click.option("--out", type=click.Path(file_okay=False), help="Folder for sessions (default: the data directory's sessions/).")
@click.option("--chunk", metavar="TIME", default="5s", show_default=True,
              help="Rounds are written in chunks this long: what a crash can lose at most.")
@click.option("--restarts", type=click.IntRange(min=1),
              help="Record a restart matrix of --source instead: restart it this many times "
                   "(SP 800-90B 3.1.4 wants 1000).")
@click.option("--samples-per-restart", type=click.IntRange(min=1), default=1000, show_default=True,
              help="With --restarts: the samples kept from each restart.")
@click.option("--restart-mode", type=click.Choice(("fork", "exec")), default="fork", show_default=True,
              help="With --restarts: fork a child of a zygote per restart (fast), or exec a fresh interpreter.")
@click.option("--restart-timeout", type=click.FloatRange(min=0, min_open=True), default=120.0, show_default=True,
              metavar="SECONDS", help="With --restarts: kill a restart that takes longer, and stop (exit 1).")
def record_command(profile, sources, duration, rounds, tags, note, out, chunk, restarts, samples_per_restart,
                   restart_mode, restart_timeout) -> None:
    """Record PROFILE's rounds (default: 'default'), or the --source names: every
    round's raw samples and mixed bytes per source, in a session folder of .npz
    chunks numpy reads (openentropy.load_session). Prints the session's folder.

    Without --duration or --rounds it records until Ctrl-C or SIGTERM (the
    profile's own run limits do not apply). Either finishes the round, writes the
    last chunk and the metadata; Ctrl-C exits 130, SIGTERM 0.

    \b
    Examples:
      oe record default --duration 30s --tag room=lab --note "fan at full speed"
      oe record --source clock_jitter --source disk_io --duration 1m --out sessions/
      oe record --source clock_jitter --restarts 1000 --out sessions/
      oe sessions                       list the recorded sessions
    """
    seconds = parse_seconds(duration, "--duration")
    chunk_seconds = parse_seconds(chunk, "--chunk")
    tag_map = parse_tags(tags)
    if restarts is not None:
        if profile or len(sources) != 1 or duration or rounds:
            raise click.UsageError("--restarts records one --source NAME (no PROFILE, --duration or --rounds)")
        _record_restarts(sources[0], restarts, samples_per_restart, restart_mode, restart_timeout,
                         Path(out) if out else default_sessions_folder(), tag_map, note, chunk_seconds)
    spec = recording_profile(profile, sources)
    spec = spec.with_run(rounds=rounds, bytes=None)  # the profile's own limits are about output, not recording

    from openentropy.engine.runner import Harvest

    from .console import can_redraw
    from .progress import RunProgress
    from .run_command import graceful_sigint
    from .stop_signals import stop_on_sigterm

    root = Path(out) if out else default_sessions_folder()
    stop = threading.Event()
    progress = RunProgress(spec, enabled=can_redraw(sys.stderr))
    with graceful_sigint(stop), stop_on_sigterm(stop) as termination:
        harvest = Harvest(spec)
        try:
            harvest.open_sinks()
            with progress:
                folder, summary = record_rounds(harvest, root, stop, duration=seconds, tags=tag_map, note=note,
                                                chunk_seconds=chunk_seconds, stopped_by=lambda: "sigterm" if termination.received else "interrupted",
                                                on_round=progress.update)
        except KeyboardInterrupt:  # a second Ctrl-C: the session was closed on the way out
            click.echo("oe: interrupted; the recording was closed", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
        finally:
            harvest.close()
    print_recorded(folder, summary)
    raise SystemExit(EXIT_INTERRUPTED if summary.stopped_by == "interrupted" else 0)


def _record_restarts(source, restarts, per_restart, mode, timeout_s, root, tags, note, chunk_seconds) -> None:
    """``oe record --restarts``: the session's folder on stdout, a summary line on stderr."""
    from openentropy.engine.restarts import record_restarts

    from . import activity
    from .run_command import graceful_sigint
    from .stop_signals import stop_on_sigterm

    stop = threading.Event()
    started = time.monotonic()
    with graceful_sigint(stop), stop_on_sigterm(stop) as termination:
        try:
            folder, reason = record_restarts(
                source, restarts, root, per_restart=per_restart, mode=mode, timeout_s=timeout_s, tags=tags,
                note=note, chunk_seconds=chunk_seconds, progress=activity.report, stop=stop,
                stopped_by=lambda: "sigterm" if termination.received else "interrupted")
        except KeyboardInterrupt:  # a second Ctrl-C: the session was closed on the way out
            click.echo("oe: interrupted; the recording was closed", err=True)
            raise SystemExit(EXIT_INTERRUPTED) from None
    from openentropy.engine.recorded_session import load_session

    rows = load_session(folder).meta.get("rows", 0)
    click.echo(str(folder))
    click.echo(f"recorded {rows:,} of {restarts:,} restarts of {source} ({per_restart:,} samples each, {mode}) "
               f"in {time.monotonic() - started:.1f} s ({reason})", err=True)
    raise SystemExit(EXIT_INTERRUPTED if reason == "interrupted" else 0)

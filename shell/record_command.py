"""``oe record``: harvest a profile (or named sources) and keep every round's raw samples
and mixed bytes per source in a session folder (format: pipelines/recording.py).

    record_rounds(harvest, root, stop, ...)   the loop, shared with the shell's ``record``

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
def record_command(profile, sources, duration, rounds, tags, note, out, chunk) -> None:
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
      oe sessions                       list the recorded sessions
    """
    seconds = parse_seconds(duration, "--duration")
    chunk_seconds = parse_seconds(chunk, "--chunk")
    tag_map = parse_tags(tags)
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

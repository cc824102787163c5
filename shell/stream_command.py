"""``oe stream``: continuous output on stdout, for pipes into dieharder, ent and rngtest.

Two kinds of stream:

- ``oe stream [PROFILE]`` (default: 'default'): the profile's harvest, round after
  round (its sources, pool, ``bytes_per_round`` and ``interval``), written to stdout
  alone: the profile's own sinks and run limits are set aside; ``--bytes N`` ends the
  stream after exactly N bytes, else it runs until stopped. The run loop is ``oe run``'s
  (``run_command.drive_rounds``), so the two write alike and as fast.
- ``oe stream --source NAME [--source NAME ...]``: fresh collects of those sources, in
  turn, conditioned on their own as upstream's stream does (``engine/source_reader.py``):
  ``raw`` (the extracted bytes), ``vn`` (Von Neumann; ``von_neumann`` is accepted too)
  or ``sha256`` (the default). No pool, no health tests, no credit: for measuring a
  source, never for keys.

``--bytes`` counts pool bytes, before ``--format`` encodes them (hex doubles them and
adds newlines). ``--rate B`` passes at most B bytes a second (``pipelines/throttled_sink.py``);
with a profile each round then holds one second's output, so bytes are not made long
before they are sent.

Exit statuses: 0 after ``--bytes``, when the reader closes the pipe (``| head -c 100``:
quietly, stdout is pointed at /dev/null so nothing complains at exit) and on SIGTERM;
130 on Ctrl-C; 1 on a run-time failure (a source that cannot run here, no output for a
profile's ``stall_timeout``); 2 for bad options.
"""

from __future__ import annotations

import math
import threading

import click

from .cli import EXIT_INTERRUPTED, EXIT_RUNTIME, report_error
from .run_command import silence_stdout, drive_rounds, graceful_sigint
from .stop_signals import stop_on_sigterm

#: --conditioning spellings: upstream's ``vn`` and ours (engine/source_reader.CONDITIONINGS)
CONDITIONING_NAMES = {"raw": "raw", "vn": "von_neumann", "von_neumann": "von_neumann", "sha256": "sha256"}


@click.command("stream")
@click.argument("profile", required=False)
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Stream fresh collects of this source instead of a profile (repeatable: read in turn).")
@click.option("--format", "fmt", type=click.Choice(["auto", "raw", "hex", "base64"]), default="auto", show_default=True,
              help="Output encoding; auto: hex on a terminal, raw bytes otherwise.")
@click.option("--bytes", "n_bytes", type=click.IntRange(min=1), help="Stop after exactly this many bytes (before encoding).")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), metavar="B/S",
              help="Write at most this many bytes per second.")
@click.option("--conditioning", type=click.Choice(sorted(CONDITIONING_NAMES)),
              help="With --source: raw, vn (Von Neumann) or sha256 (the default).")
def stream_command(profile, sources, fmt, n_bytes, rate, conditioning) -> None:
    """Write entropy to stdout without end: PROFILE's harvest (default: 'default'),
    or fresh collects of --source NAME.

    \b
    Examples:
      oe stream fast | dieharder -g 200 -a
      oe stream fast --bytes 1000000 | ent
      oe stream fast --bytes 2500000 | rngtest -c 1000
      oe stream --source clock_jitter --conditioning vn --bytes 4096 | xxd | head
      oe stream default --format hex --rate 64
    """
    if profile is not None and sources:
        raise click.UsageError("give a PROFILE or --source NAME, not both")
    if conditioning is not None and not sources:
        raise click.UsageError("--conditioning applies to --source streams; a profile's output is conditioned by its pool")

    from openentropy.pipelines.sinks import StdoutSinkSpec

    stop = threading.Event()
    with graceful_sigint(stop), stop_on_sigterm(stop) as sigterm:
        if sources:
            readers = _readers(sources)  # first: an unknown source fails before any output
            sink = _throttled(StdoutSinkSpec(format=fmt).open(), rate, stop)
            status = _stream_sources(readers, CONDITIONING_NAMES[conditioning or "sha256"], sink, stop, n_bytes)
        else:
            spec = _profile(profile or "default", n_bytes, rate)
            sink = _throttled(StdoutSinkSpec(format=fmt).open(), rate, stop)
            status = _stream_profile(spec, sink, stop)
    raise SystemExit(sigterm.exit_status(status))


def _throttled(sink, rate: float | None, stop: threading.Event):
    if rate is None:
        return sink
    from openentropy.pipelines.throttled_sink import ThrottledSink

    return ThrottledSink(sink, rate, stop)


def _profile(ref: str, n_bytes: int | None, rate: float | None):
    """The profile, set to run until ``n_bytes`` (or forever); with a rate, one second of output per round."""
    from openentropy.engine.loader import load_profile

    profile = load_profile(ref)
    changes = {"rounds": None, "bytes": n_bytes}
    if rate is not None:
        changes["bytes_per_round"] = max(1, min(profile.run.bytes_per_round, math.ceil(rate)))
    return profile.with_run(**changes)


def _stream_profile(spec, sink, stop: threading.Event) -> int:
    from openentropy.engine.outcome import RunSummary
    from openentropy.engine.runner import Harvest

    from .progress import RunProgress

    harvest = Harvest(spec, sinks=[sink])
    try:
        return drive_rounds(harvest, RunSummary(spec.name), RunProgress(spec, enabled=False), stop)
    finally:
        for problem in harvest.close():  # sinks are closed already; this ends the thread pool
            report_error(Exception(problem))


def _readers(names: tuple[str, ...]):
    """A reader per distinct source name, with a profile's default samples and deadline."""
    from openentropy.engine.measure import source_spec
    from openentropy.engine.profile import SourceSpec
    from openentropy.engine.source_reader import SourceReader

    samples, deadline = (SourceSpec.model_fields[field].default for field in ("samples", "deadline"))
    return [SourceReader(source_spec(name, samples, deadline)) for name in dict.fromkeys(names)]


def _stream_sources(readers, conditioning: str, sink, stop: threading.Event, n_bytes: int | None) -> int:
    from openentropy.engine.profile import RunSpec
    from openentropy.engine.source_reader import stream_sources
    from openentropy.errors import EntropyTimeoutError, SinkError

    status = 0
    written = 0
    try:
        try:
            for chunk in stream_sources(readers, conditioning, RunSpec().stall_timeout):
                if stop.is_set():
                    break
                if n_bytes is not None:
                    chunk = chunk[: n_bytes - written]
                sink.write(chunk)
                written += len(chunk)
                if written == n_bytes:
                    break
        finally:
            sink.close()  # the encoder's last line; after a failed write, nothing
    except BrokenPipeError:
        silence_stdout()
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
    except (SinkError, EntropyTimeoutError) as error:
        report_error(error)
        status = EXIT_RUNTIME
    if stop.is_set():
        status = EXIT_INTERRUPTED
    return status

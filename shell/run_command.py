"""``oe run PROFILE``: harvest, condition and write to the profile's sinks.

Live progress goes to stderr when stderr is a terminal and nowhere otherwise. ``--json``
prints the run summary at the end: on stdout, or on stderr when a sink is writing to
stdout (so the random bytes are never mixed with text). The first Ctrl-C finishes the
current round, closes the sinks (flushed and fsynced) and exits 130; a second one
interrupts at once.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

import click

from .cli import EXIT_INTERRUPTED, EXIT_RUNTIME, report_error


def _load(profile_ref: str, rounds: int | None, n_bytes: int | None):
    from openentropy.engine.loader import load_profile

    profile = load_profile(profile_ref)
    if rounds is not None or n_bytes is not None:
        profile = profile.with_run(rounds=rounds, bytes=n_bytes)
    return profile


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so exit-time flushes stay quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


@click.command("run")
@click.argument("profile", default="default")
@click.option("--bytes", "n_bytes", type=click.IntRange(min=1),
              help="Write exactly this many bytes, then stop (replaces the profile's run limits).")
@click.option("--rounds", type=click.IntRange(min=1),
              help="Stop after this many rounds (replaces the profile's run limits).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary at the end.")
def run_command(profile: str, n_bytes: int | None, rounds: int | None, as_json: bool) -> None:
    """Run PROFILE (a shipped name or a YAML file; default: 'default').

    \b
    Examples:
      oe run profiles/default.yaml
      oe run default --bytes 1048576 > out.bin
      oe run paranoid --rounds 3 --json
    """
    from openentropy.engine.errors import EntropyTimeoutError, SinkError
    from openentropy.engine.outcome import RunSummary
    from openentropy.engine.runner import Harvest

    from .progress import RunProgress

    spec = _load(profile, rounds, n_bytes)
    stop = threading.Event()
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGINT, on_sigint)
    summary = RunSummary(spec.name)
    exit_code = 0
    progress = RunProgress(spec, enabled=sys.stderr.isatty())
    harvest = Harvest(spec)
    try:
        with progress:
            harvest.runtime.open_sinks()
            for result in harvest.rounds(stop):
                summary.add(result)
                progress.update(result, summary)
    except BrokenPipeError:
        summary.stopped_by = "broken pipe"
        _silence_stdout()
    except KeyboardInterrupt:
        summary.stopped_by = "interrupted"
        exit_code = EXIT_INTERRUPTED
    except (SinkError, EntropyTimeoutError) as error:
        summary.stopped_by = "sink error" if isinstance(error, SinkError) else "entropy stall"
        report_error(error)
        exit_code = EXIT_RUNTIME
    finally:
        for problem in harvest.close():
            report_error(Exception(problem))
            exit_code = exit_code or EXIT_RUNTIME
        signal.signal(signal.SIGINT, previous)
    if stop.is_set():
        summary.stopped_by, exit_code = "interrupted", EXIT_INTERRUPTED
    summary.duration_s = progress.elapsed()
    if as_json:
        to_stderr = any(sink.type == "stdout" for sink in spec.sinks)
        click.echo(json.dumps(summary.to_dict(), indent=2), err=to_stderr)
    raise SystemExit(exit_code)

"""``oe run PROFILE``: harvest, condition and write to the profile's sinks.

Live progress goes to stderr when stderr is a terminal (console.can_redraw) and nowhere
otherwise. ``--json``
prints the run summary at the end: on stdout, or on stderr when a sink is writing to
stdout (so the random bytes are never mixed with text). The first Ctrl-C finishes the
current round, closes the sinks (flushed and fsynced) and exits 130; a second one
interrupts at once. SIGTERM does the same and exits 0 (stop_signals.py).

``drive_rounds`` and ``graceful_sigint`` are the run loop itself; the interactive shell's
``run`` calls them on its own (kept) harvest, and ``oe stream`` on a harvest writing to
stdout (with ``silence_stdout`` after a closed pipe).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator

import click

from .cli import EXIT_INTERRUPTED, EXIT_RUNTIME, report_error


def _load(profile_ref: str, rounds: int | None, n_bytes: int | None, scheduler: str | None = None,
          placement: str | None = None):
    from openentropy.engine.loader import load_profile

    profile = load_profile(profile_ref)
    if rounds is not None or n_bytes is not None:
        profile = profile.with_run(rounds=rounds, bytes=n_bytes)
    if scheduler is not None or placement is not None:
        profile = profile.with_engine(scheduler=scheduler, placement=placement)
    return profile


def silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so exit-time flushes stay quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


@contextlib.contextmanager
def graceful_sigint(stop: threading.Event) -> Iterator[None]:
    """While inside: the first Ctrl-C sets ``stop`` (the round in progress finishes),
    a second raises ``KeyboardInterrupt``. Outside the main thread it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_sigint(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def drive_rounds(harvest, summary, progress, stop: threading.Event, limits=None) -> int:
    """Open the sinks, run rounds until ``limits`` (default: the profile's) or ``stop``,
    close the sinks.

    Adds every round to ``summary`` (and sets its ``stopped_by`` and duration), reports
    sink and stall errors, and returns the exit status: 0, ``EXIT_RUNTIME`` or
    ``EXIT_INTERRUPTED``. The harvest itself (its pool) stays usable afterwards.

    Once the sinks are closed, ``summary.bytes_out`` is what they hold
    (``bytes_delivered``), not the rounds' sum: a round stopped by a full disk wrote
    part of its bytes, and the summary must count exactly the bytes on disk.
    """
    from openentropy.errors import EntropyTimeoutError, SinkError

    exit_code = 0
    try:
        with progress:
            harvest.open_sinks()
            for result in harvest.rounds(stop, limits):
                summary.add(result)
                progress.update(result, summary)
    except BrokenPipeError:
        summary.stopped_by = "broken pipe"
        silence_stdout()
    except KeyboardInterrupt:
        summary.stopped_by = "interrupted"
        exit_code = EXIT_INTERRUPTED
    except (SinkError, EntropyTimeoutError) as error:
        summary.stopped_by = "sink error" if isinstance(error, SinkError) else "entropy stall"
        report_error(error)
        exit_code = EXIT_RUNTIME
    finally:
        for problem in harvest.close_sinks():
            report_error(Exception(problem))
            exit_code = exit_code or EXIT_RUNTIME
        delivered = harvest.bytes_delivered()
        if delivered is not None:
            summary.bytes_out = delivered
    if stop.is_set():
        summary.stopped_by, exit_code = "interrupted", EXIT_INTERRUPTED
    summary.duration_s = progress.elapsed()
    return exit_code


def summary_to_stderr(profile) -> bool:
    """Whether a JSON summary must go to stderr: a sink is writing bytes to stdout."""
    return any(sink.type == "stdout" for sink in profile.sinks)


@click.command("run")
@click.argument("profile", default="default")
@click.option("--bytes", "n_bytes", type=click.IntRange(min=1),
              help="Write exactly this many bytes, then stop (replaces the profile's run limits).")
@click.option("--rounds", type=click.IntRange(min=1),
              help="Stop after this many rounds (replaces the profile's run limits).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary at the end.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Collect on the dask.distributed cluster at ADDRESS (tcp://host:8786), or 'threads' "
                   "(replaces the profile's engine.scheduler).")
@click.option("--placement", type=click.Choice(["local", "each_worker"]),
              help="On a cluster: each source on one worker (local) or on every worker (each_worker).")
def run_command(profile: str, n_bytes: int | None, rounds: int | None, as_json: bool, scheduler: str | None,
                placement: str | None) -> None:
    """Run PROFILE (a shipped name or a YAML file; default: 'default').

    \b
    Examples:
      oe run profiles/default.yaml
      oe run default --bytes 1048576 > out.bin
      oe run paranoid --rounds 3 --json
      oe run default --scheduler tcp://10.0.0.5:8786 --placement each_worker
    """
    spec = _load(profile, rounds, n_bytes, scheduler, placement)  # first: a bad profile fails before the engine's imports (~2 s)

    from openentropy.engine.outcome import RunSummary
    from openentropy.engine.runner import Harvest

    from .console import can_redraw
    from .progress import RunProgress
    from .stop_signals import stop_on_sigterm

    stop = threading.Event()
    summary = RunSummary(spec.name)
    progress = RunProgress(spec, enabled=can_redraw(sys.stderr))
    with graceful_sigint(stop), stop_on_sigterm(stop) as termination:
        harvest = Harvest(spec)
        try:
            exit_code = termination.exit_status(drive_rounds(harvest, summary, progress, stop))
        finally:
            for problem in harvest.close():  # sinks are closed already; this ends the thread pool
                report_error(Exception(problem))
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2), err=summary_to_stderr(spec))
    raise SystemExit(exit_code)

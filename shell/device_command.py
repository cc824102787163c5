"""``oe device PATH [PROFILE]``: serve a profile's harvest through a named pipe, like a device.

    oe device /tmp/oe-random fast &
    head -c 32 /tmp/oe-random | xxd

The profile (default: 'default') runs round after round, for as long as the command
runs, and its output goes to the ``fifo`` sink at PATH alone (the profile's own sinks
and run limits are set aside). The sink (``pipelines/fifo_sink.py``) creates the pipe
(mode 0o600) when PATH does not exist and removes it at exit, reuses an existing named
pipe (and leaves it), and refuses anything else. Readers come one after another: a
reader that leaves ends its share, the bytes it did not take are dropped, and the next
reader gets fresh output of the same harvest (the pool is never restarted between them).

Exit statuses: 2 when PATH is not usable (a regular file, a directory, no such folder)
or the profile is broken; 130 on Ctrl-C and 0 on SIGTERM (``stop_signals.py``: the wait
for a reader or for room ends at once, the pipe is removed if we made it); 1 on a
run-time failure.
"""

from __future__ import annotations

import threading

import click

from .cli import EXIT_USAGE, report_error
from .run_command import drive_rounds, graceful_sigint
from .stop_signals import stop_on_sigterm


@click.command("device")
@click.argument("path")
@click.argument("profile", default="default")
@click.option("--format", "fmt", type=click.Choice(["raw", "hex", "base64"]), default="raw", show_default=True,
              help="Encoding of what readers get.")
def device_command(path: str, profile: str, fmt: str) -> None:
    """Serve PROFILE's output (default: 'default') through a named pipe at PATH,
    to one reader after another, until stopped.

    \b
    Examples:
      oe device /tmp/oe-random fast
      head -c 32 /tmp/oe-random | xxd        (in another shell)
      dieharder -g 201 -f /tmp/oe-random -a
    """
    from openentropy.engine.loader import load_profile
    from openentropy.errors import SinkError
    from openentropy.pipelines.fifo_sink import FifoSinkSpec

    spec = load_profile(profile).with_run(rounds=None, bytes=None)
    stop = threading.Event()
    with graceful_sigint(stop), stop_on_sigterm(stop) as sigterm:
        try:
            sink = FifoSinkSpec(path=path, format=fmt).open(stop)
        except SinkError as error:
            report_error(error)
            raise SystemExit(EXIT_USAGE) from None
        click.echo(f"oe device: serving profile '{spec.name}' at {sink.path}; Ctrl-C or SIGTERM stops", err=True)
        status = _serve(spec, sink, stop)
    raise SystemExit(sigterm.exit_status(status))


def _serve(spec, sink, stop: threading.Event) -> int:
    from openentropy.engine.outcome import RunSummary
    from openentropy.engine.runner import Harvest

    from .progress import RunProgress

    try:
        harvest = Harvest(spec, sinks=[sink])
    except BaseException:
        sink.close()  # removes the pipe if we made it
        raise
    try:
        return drive_rounds(harvest, RunSummary(spec.name), RunProgress(spec, enabled=False), stop)
    finally:
        for problem in harvest.close():  # the sink is closed already; this ends the thread pool
            report_error(Exception(problem))

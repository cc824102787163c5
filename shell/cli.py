"""The ``oe`` command line. Each command lives in its own module, imported lazily
(``oe shell`` reuses this table for its own ``scan``, ``probe`` and ``bench``).

Exit statuses: 0 success; 1 a run-time failure (a sink error, an unavailable source);
2 bad input (a broken profile, a bad option); 130 stopped by Ctrl-C. Errors print one
clear line per problem on stderr, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from openentropy.errors import OpenEntropyError, ProfileError

#: command name -> "module:attribute" (a click command), imported on first use
COMMANDS = {
    "assess": "openentropy.shell.assess_command:assess_command",
    "bench": "openentropy.shell.bench_command:bench_command",
    "device": "openentropy.shell.device_command:device_command",
    "monitor": "openentropy.shell.monitor_command:monitor_command",
    "pool": "openentropy.shell.pool_command:pool_command",
    "probe": "openentropy.shell.probe_command:probe_command",
    "profiles": "openentropy.shell.profiles_command:profiles",
    "record": "openentropy.shell.record_command:record_command",
    "report": "openentropy.shell.report_command:report_command",
    "run": "openentropy.shell.run_command:run_command",
    "scan": "openentropy.shell.scan_command:scan_command",
    "serve": "openentropy.shell.serve_command:serve_command",
    "sessions": "openentropy.shell.sessions_command:sessions",
    "shell": "openentropy.shell.shell_command:shell_command",
    "stream": "openentropy.shell.stream_command:stream_command",
}

EXIT_RUNTIME, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when invoked or listed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _, attr = COMMANDS[name].partition(":")
        return getattr(importlib.import_module(module), attr)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ProfileError as error:
            report_error(error)
            ctx.exit(EXIT_USAGE)
        except OpenEntropyError as error:
            report_error(error)
            ctx.exit(EXIT_RUNTIME)


def report_error(error: Exception) -> None:
    for line in str(error).splitlines() or ["unknown error"]:
        click.echo(f"oe: error: {line}", err=True)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="openentropy", prog_name="oe")
def oe() -> None:
    """openentropy: harvest entropy from this machine's noisy physical subsystems.

    \b
    Quick start:
      oe run default                  harvest with the default profile
      oe run paranoid --bytes 4096    physical sources only, 4 KiB
      oe stream fast                  endless output on stdout, for dieharder, ent, rngtest
      oe device /tmp/oe-random fast   a named pipe serving a profile, reader after reader
      oe profiles list                the shipped profiles
      oe scan                         which sources run on this machine
      oe probe clock_jitter           measure one source
      oe bench --all                  measure and rank every available source
      oe pool paranoid                health, credits and entropy balance
      oe assess --source disk_io      SP 800-90B: IID track, non-IID estimators, dossier
      oe report report                battery, SP 800-22 and SP 800-90B; gates CI
      oe serve                        REST service, ANU QRNG compatible
      oe shell default                explore and edit a profile interactively
      oe monitor                      live dashboard of every source's health
      oe record --duration 30s        record raw samples and mixed bytes per source
      oe sessions                     recorded sessions; 'analyze' runs the battery on one
      oe record --source clock_jitter --restarts 1000
                                      a restart matrix (SP 800-90B 3.1.4); oe assess --restart reads it
      oe run default --scheduler tcp://host:8786
                                      collect on a dask.distributed cluster's workers
    """


def main(argv: list[str] | None = None) -> None:
    oe.main(args=argv, prog_name="oe")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])

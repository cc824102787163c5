"""``oe probe SOURCE``: collect once and report throughput, entropy and a grade."""

from __future__ import annotations

import json

import click


@click.command("probe")
@click.argument("source")
@click.option("--samples", type=click.IntRange(min=2), default=20_000, show_default=True, help="Raw samples to collect.")
@click.option("--deadline", type=click.FloatRange(min=0.001, max=600), default=2.0, show_default=True,
              help="Seconds the collect may take.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A source parameter (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def probe_command(source: str, samples: int, deadline: float, params: tuple[str, ...], as_json: bool) -> None:
    """Collect from SOURCE and measure its extracted bytes (before any hashing).

    \b
    Reports raw samples/s and bytes/s, Shannon entropy, min-entropy (the SP 800-90B
    assessment: all ten non-IID estimators; and the most-common-value figure alone),
    lag-1 autocorrelation and a grade (A: >= 6 bits/byte, B: >= 4, C: >= 2, D: >= 1,
    F: below; capped at D when |autocorrelation| > 0.1).

    \b
    Examples:
      oe probe clock_jitter
      oe probe clock_jitter --param backend=python --json
    """
    from .console import stdout_console
    from rich.table import Table

    from openentropy.engine.measure import probe_source

    from . import activity
    from .params import parse_params

    activity.report(f"probe: {samples:,} samples from {source}")
    result = probe_source(source, samples, deadline, parse_params(params))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        table = Table(title=f"probe: {source}", title_justify="left", show_header=False)
        table.add_column("measure")
        table.add_column("value", justify="right")
        rows = [
            ("status", result.status + (f" ({result.error})" if result.error else "")),
            ("sampler", "native C" if result.native else "Python"),
            ("raw samples", f"{result.samples:,} in {result.duration_s * 1000:.1f} ms"),
            ("throughput", f"{result.samples_per_s:,.0f} samples/s, {result.bytes_per_s:,.0f} bytes/s"),
            ("Shannon", f"{result.shannon:.3f} bits/byte"),
            ("min-entropy (SP 800-90B)", f"{result.min_entropy:.3f} bits/byte"),
            ("min-entropy (MCV only)", f"{result.mcv:.3f} bits/byte"),
            ("lag-1 autocorrelation", f"{result.autocorrelation:+.4f}"),
            ("grade", result.grade),
        ]
        for row in rows:
            table.add_row(*row)
        stdout_console().print(table)
    if result.status != "ok":
        raise SystemExit(1)

"""``oe bench``: measure several sources over several rounds and rank them."""

from __future__ import annotations

import json
import sys

import click


@click.command("bench")
@click.argument("sources", nargs=-1)
@click.option("--all", "all_sources", is_flag=True, help="Every available source.")
@click.option("--rounds", type=click.IntRange(min=1, max=1000), default=5, show_default=True)
@click.option("--warmup", type=click.IntRange(min=0, max=100), default=1, show_default=True)
@click.option("--samples", type=click.IntRange(min=2), default=20_000, show_default=True, help="Raw samples per round.")
@click.option("--deadline", type=click.FloatRange(min=0.001, max=600), default=2.0, show_default=True)
@click.option("--rank-by", type=click.Choice(["min_entropy", "throughput", "balanced"]), default="balanced",
              show_default=True, help="balanced = min-entropy x bytes/s (min-entropy bits per second).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), help="Also write the JSON results to this file.")
def bench_command(sources, all_sources, rounds, warmup, samples, deadline, rank_by, as_json, output) -> None:
    """Benchmark SOURCES (or --all available ones): min-entropy, Shannon, throughput,
    p99 collect time, stability across rounds and failures, ranked.

    \b
    Examples:
      oe bench --all
      oe bench clock_jitter os_random --rounds 10 --rank-by min_entropy
      oe bench --all --json --output bench.json
    """
    from rich.console import Console

    from . import activity
    from .console import can_redraw, stdout_console
    from rich.progress import Progress
    from rich.table import Table

    from openentropy.engine.measure import bench_source, rank, scan_sources

    if all_sources:
        names = [row.name for row in scan_sources() if row.available]
    elif sources:
        names = list(sources)
    else:
        raise click.UsageError("name one or more sources, or use --all")
    err = Console(stderr=True)
    rows = []
    with Progress(console=err, transient=True, disable=as_json or not can_redraw(sys.stderr)) as progress:
        task = progress.add_task("benchmarking", total=len(names))
        for number, name in enumerate(names, 1):
            progress.update(task, description=f"benchmarking {name}")
            activity.report(f"bench: {name} ({number} of {len(names)})")
            rows.append(bench_source(name, rounds, warmup, samples, deadline))
            progress.advance(task)
    rows = rank(rows, rank_by)
    payload = {"rank_by": rank_by, "rounds": rounds, "samples": samples, "results": [r.to_dict() for r in rows]}
    if output:
        with open(output, "w") as handle:
            json.dump(payload, handle, indent=2)
    if as_json:
        click.echo(json.dumps(payload, indent=2))
        return
    table = Table(title=f"bench: {rounds} rounds of {samples:,} samples, ranked by {rank_by}", title_justify="left")
    for column in ("#", "source", "grade", "min-entropy", "Shannon", "samples/s", "bytes/s", "p99 collect",
                   "stability", "failures"):
        table.add_column(column, justify="left" if column in ("source", "grade") else "right")
    for i, r in enumerate(rows, 1):
        table.add_row(str(i), r.name, r.grade, f"{r.min_entropy:.2f}", f"{r.shannon:.2f}", f"{r.samples_per_s:,.0f}",
                      f"{r.bytes_per_s:,.0f}", f"{r.p99_collect_s * 1000:.1f} ms", f"{r.stability:.2f}",
                      f"{r.failures}/{r.rounds}" + (f" {r.error}" if r.error else ""))
    stdout_console().print(table)

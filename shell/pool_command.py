"""``oe pool [PROFILE]``: run a few rounds and report the pool: health, credit, balance."""

from __future__ import annotations

import json

import click


def render_status(status) -> "object":
    """A rich renderable of a ``PoolStatus`` (shared with other front-ends)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text(
        f"mode {status.mode}: balance {status.balance_bits:,.0f} bits; credited {status.credited_bits:,.0f} bits in "
        f"= {status.balance_bits:,.0f} buffered "
        f"+ {status.hashed_bits:,.0f} hashed + {status.dropped_bits:,.0f} dropped; "
        f"{status.drawn_bits:,.0f} behind {status.full_entropy_blocks:,} full-entropy blocks "
        f"({_per_block(status)}); {status.mixed_bytes:,} bytes mixed, {status.buffered_bytes:,} buffered, "
        f"{status.output_bytes:,} bytes out ({status.blocks:,} blocks)"
        + ("" if status.seeded or status.mode != "sha256" else "; waiting for its first 256 credited bits")
    )
    table = Table(title_justify="left")
    for column in ("source", "weight", "health", "health failures", "last failure", "collect failures",
                   "bytes", "credited bits", "buffered", "min-entropy", "last collect"):
        table.add_column(column, justify="left" if column in ("source", "health", "last failure") else "right",
                         no_wrap=column == "source")  # whole names: clock_jitter@host:pid on a cluster
    for s in status.sources:
        style = {"healthy": "green", "startup": "cyan", "quarantined": "red"}.get(s.health, "")
        table.add_row(
            s.name + ("" if s.physical else " (reference)"), f"{s.weight:g}", f"[{style}]{s.health}[/]",
            str(s.health_failures), s.last_health_failure or "-", str(s.failures), f"{s.total_bytes:,}",
            f"{s.credited_bits:,.0f}", f"{s.buffered_bytes:,} B / {s.buffered_bits:,.0f} bits",
            f"{s.last_min_entropy:.2f}", f"{s.last_collect_time * 1000:.1f} ms",
        )
    return Group(head, table)


def _per_block(status) -> str:
    """The invariant a reader checks: credit behind each released full-entropy block."""
    if not status.full_entropy_blocks:
        return "none released"
    return f"{status.drawn_bits / status.full_entropy_blocks:,.0f} bits per block, >= 320 required"


@click.command("pool")
@click.argument("profile", default="default")
@click.option("--rounds", type=click.IntRange(min=1, max=10_000), default=3, show_default=True,
              help="Rounds to run before reporting.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def pool_command(profile: str, rounds: int, as_json: bool) -> None:
    """Run PROFILE for a few rounds (output discarded) and show the pool's status:
    per-source SP 800-90B health, failures, quarantine, credits and entropy balance.

    Credit travels with the bytes that carry it: every credited bit is either still
    buffered (with its bytes), hashed into the state, or dropped with bytes a full
    buffer let go; full-entropy blocks and DRBG seeds each hashed >= 320 of them.

    \b
    Examples:
      oe pool
      oe pool paranoid --rounds 10 --json
    """
    from openentropy.engine.loader import load_profile
    from openentropy.engine.runner import Harvest
    from openentropy.pipelines.sinks import NullSinkSpec

    from .console import stdout_console

    spec = load_profile(profile).with_run(rounds=rounds, bytes=None)
    spec = spec.model_copy(update={"sinks": [NullSinkSpec()]})
    with Harvest(spec) as harvest:
        for _ in harvest.rounds():
            pass
        status = harvest.status()
    if as_json:
        click.echo(json.dumps(status.to_dict(), indent=2))
    else:
        stdout_console().print(render_status(status))

"""``oe assess``: the SP 800-90B min-entropy assessment of a source or a file."""

from __future__ import annotations

import json
import time

import click


def load_symbols(source: str | None, file: str | None, samples: int, params: tuple[str, ...]):
    """(bytes to assess, a label): a source's extracted bytes or a file's bytes."""
    import numpy as np

    from openentropy.engine.errors import OpenEntropyError
    from openentropy.engine.measure import collect_extracted

    from .params import parse_params

    if (source is None) == (file is None):
        raise click.UsageError("give exactly one of --source NAME or --file PATH")
    if file is not None:
        try:
            with open(file, "rb") as handle:
                data = np.frombuffer(handle.read(), dtype=np.uint8)
        except OSError as error:
            raise click.BadParameter(f"cannot read {file}: {error.strerror}", param_hint="--file") from None
        return data, file
    outcome, data, _ = collect_extracted(source, samples, deadline_s=30.0, params=parse_params(params))
    if outcome.status.value != "ok":
        raise OpenEntropyError(f"source '{source}' {outcome.status.value}: {outcome.error}")
    return data, source


@click.command("assess")
@click.option("--source", help="Assess this source's extracted bytes (after its stages, before hashing).")
@click.option("--file", type=click.Path(dir_okay=False), help="Assess this file, one sample per byte.")
@click.option("--bits", type=click.IntRange(1, 8), default=8, show_default=True,
              help="Bits per symbol: each byte's low N bits are the sample.")
@click.option("--samples", type=click.IntRange(min=1000), default=1_000_000, show_default=True,
              help="Raw samples to collect from --source.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A source parameter (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
def assess_command(source, file, bits, samples, params, as_json) -> None:
    """All ten SP 800-90B non-IID estimators and the final min-entropy (section 3.1.3),
    exactly as NIST's ea_non_iid computes them.

    \b
    Examples:
      oe assess --source page_fault_timing
      oe assess --file noise.bin --bits 4 --json
    """
    from openentropy.pipelines.estimators import ESTIMATOR_NAMES, assess

    from . import activity
    from .console import stdout_console

    activity.report(f"assess: reading {file}" if file else f"assess: collecting {samples:,} samples from {source}")
    data, label = load_symbols(source, file, samples, params)
    if len(data) < 1000:
        raise click.UsageError(f"{label}: {len(data)} samples; the estimators need at least 1000")
    symbols = data & ((1 << bits) - 1)
    activity.report(f"assess: the ten SP 800-90B estimators on {len(symbols):,} samples of {label}")
    started = time.perf_counter()
    result = assess(symbols, bits)
    seconds = time.perf_counter() - started
    rows = [(name, *result.h(name)) for name in ESTIMATOR_NAMES]
    if as_json:
        click.echo(json.dumps({
            "input": label, "samples": result.samples, "bits_per_symbol": bits,
            "estimators": {name: {"h_original": o, "h_bitstring": b} for name, o, b in rows},
            "h_original": result.h_original, "h_bitstring": result.h_bitstring,
            "min_entropy": result.min_entropy, "seconds": seconds,
        }, indent=2))
        return
    from rich.table import Table

    fmt = lambda v: "-" if v is None else f"{v:.6f}"  # noqa: E731
    table = Table(title=f"SP 800-90B assessment of {label}: {result.samples:,} samples, {bits} bits each",
                  title_justify="left")
    for column in ("estimator", "H original (bits/symbol)", "H bitstring (bits/bit)"):
        table.add_column(column, justify="left" if column == "estimator" else "right")
    for name, original, bitstring in rows:
        table.add_row(name, fmt(original), fmt(bitstring))
    console = stdout_console()
    console.print(table)
    bitstring = "-" if result.h_bitstring is None else f"{bits} x {result.h_bitstring:.6f}"
    console.print(f"min-entropy = min(H_original {result.h_original:.6f}, {bitstring}) = "
                  f"[bold]{result.min_entropy:.6f}[/] bits per {bits}-bit sample ({seconds:.2f} s)")

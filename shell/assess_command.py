"""``oe assess``: the SP 800-90B min-entropy assessment of a source or a file.

A file is read one sample per byte and never past ``--max-bytes``: ``/dev/zero`` or a
disk image would otherwise be read into memory until it ran out. When the cap cuts a
file short the report says so (``truncated`` and ``max_bytes`` in ``--json``).
"""

from __future__ import annotations

import json
import time

import click

#: Default cap on the bytes read from --file: SP 800-90B (section 3.1.1) asks for
#: 1,000,000 samples, the size the estimators are built and timed for (NIST's
#: ea_non_iid takes 14-18 s on it here). One byte is one sample, whatever --bits.
DEFAULT_MAX_BYTES = 1_000_000

#: The estimators need at least this many samples.
MIN_SAMPLES = 1000


def load_symbols(source: str | None, file: str | None, samples: int, params: tuple[str, ...],
                 max_bytes: int = DEFAULT_MAX_BYTES):
    """(bytes to assess, a label, truncated): a source's extracted bytes, or at most
    ``max_bytes`` of a file (``truncated`` says whether the file went on)."""
    import numpy as np

    from openentropy.errors import OpenEntropyError
    from openentropy.engine.measure import collect_extracted

    from .params import parse_params

    if (source is None) == (file is None):
        raise click.UsageError("give exactly one of --source NAME or --file PATH")
    if file is not None:
        try:
            with open(file, "rb") as handle:
                data = np.frombuffer(handle.read(max_bytes), dtype=np.uint8)
                truncated = len(data) == max_bytes and handle.read(1) != b""
        except OSError as error:
            raise click.BadParameter(f"cannot read {file}: {error.strerror}", param_hint="--file") from None
        except MemoryError:
            raise click.BadParameter(f"{max_bytes:,} bytes do not fit in memory; give a smaller value",
                                     param_hint="--max-bytes") from None
        return data, file, truncated
    outcome, data, _ = collect_extracted(source, samples, deadline_s=30.0, params=parse_params(params))
    if outcome.status.value != "ok":
        raise OpenEntropyError(f"source '{source}' {outcome.status.value}: {outcome.error}")
    return data, source, False


@click.command("assess")
@click.option("--source", help="Assess this source's extracted bytes (after its stages, before hashing).")
@click.option("--file", type=click.Path(dir_okay=False), help="Assess this file, one sample per byte.")
@click.option("--bits", type=click.IntRange(1, 8), default=8, show_default=True,
              help="Bits per symbol: each byte's low N bits are the sample.")
@click.option("--samples", type=click.IntRange(min=MIN_SAMPLES), default=1_000_000, show_default=True,
              help="Raw samples to collect from --source.")
@click.option("--max-bytes", type=click.IntRange(min=MIN_SAMPLES), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Read at most this many bytes of --file (one sample per byte, whatever --bits); "
                   "the report says when the file was longer.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A source parameter (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
def assess_command(source, file, bits, samples, max_bytes, params, as_json) -> None:
    """All ten SP 800-90B non-IID estimators and the final min-entropy (section 3.1.3),
    exactly as NIST's ea_non_iid computes them.

    \b
    Examples:
      oe assess --source page_fault_timing
      oe assess --file noise.bin --bits 4 --json
      oe assess --file /dev/hwrng --max-bytes 2000000
    """
    from openentropy.pipelines.estimators import ESTIMATOR_NAMES, assess

    from . import activity
    from .console import stdout_console

    activity.report(f"assess: reading {file}" if file else f"assess: collecting {samples:,} samples from {source}")
    data, label, truncated = load_symbols(source, file, samples, params, max_bytes)
    if len(data) < MIN_SAMPLES:
        raise click.UsageError(f"{label}: {len(data)} samples; the estimators need at least {MIN_SAMPLES}")
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
            "truncated": truncated, "max_bytes": max_bytes if file else None,
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
    if truncated:
        console.print(f"{label} is longer than --max-bytes: only the first {max_bytes:,} bytes were assessed",
                      soft_wrap=True, markup=False)
    console.print(table)
    bitstring = "-" if result.h_bitstring is None else f"{bits} x {result.h_bitstring:.6f}"
    console.print(f"min-entropy = min(H_original {result.h_original:.6f}, {bitstring}) = "
                  f"[bold]{result.min_entropy:.6f}[/] bits per {bits}-bit sample ({seconds:.2f} s)")

"""Per-source throughput in C and in pure Python, and min-entropy per extracted byte.

    python benchmarks/sources.py [--runs 5] [--samples 20000] [--markdown]

For every source available on this machine: raw samples/s through the native core and
through the pure-Python fallback (each the median of --runs collects), and the MCV
min-entropy per byte of the default-stage output (median). Then the cost per sample of
the C clock_jitter loop against a bare clock_gettime(CLOCK_MONOTONIC_RAW) loop in C, as
a ratio (goal: at most 1.5x). The machine is shared and noisy: medians, not means.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from openentropy.engine.measure import scan_sources
from openentropy.pipelines.conditioners import as_bytes
from openentropy.pipelines.estimates import mcv_min_entropy
from openentropy.pipelines.stages import parse_stages
from openentropy.sources import _native, get_source_class

DEADLINE_S = 2.0


def make(name: str, backend: str | None):
    cls = get_source_class(name)
    fields = cls.Params.model_fields
    if backend is not None and "backend" not in fields:
        return None
    source = cls(cls.Params(**({"backend": backend} if backend else {})))
    return source if source.available() else None


def rate_and_entropy(source, samples: int, runs: int) -> tuple[float, float]:
    stages = parse_stages(type(source).default_stages)
    rates, entropies = [], []
    for _ in range(runs):
        started = time.perf_counter_ns()
        data = source.collect(samples, time.monotonic_ns() + int(DEADLINE_S * 1e9))
        elapsed = (time.perf_counter_ns() - started) / 1e9
        rates.append(len(data) / elapsed)
        for stage in stages:
            data = stage.apply(data)
        entropies.append(mcv_min_entropy(as_bytes(data)))
    return statistics.median(rates), statistics.median(entropies)


def clock_loop_ratio(runs: int, n: int = 2_000_000) -> tuple[float, float, float]:
    """(ns/sample of the clock_jitter loop, ns/call of a bare clock_gettime loop, ratio)."""
    buffer = np.empty(n, dtype=np.uint64)
    pointer = _native.ffi.from_buffer("uint64_t[]", buffer)
    jitter, bare = [], []
    for _ in range(runs):
        t0 = time.perf_counter_ns()
        _native.lib.oe_clock_jitter(pointer, n, time.monotonic_ns() + 10**10)
        t1 = time.perf_counter_ns()
        _native.lib.oe_bare_clock_loop(n)
        t2 = time.perf_counter_ns()
        jitter.append((t1 - t0) / n)
        bare.append((t2 - t1) / n)
    j, b = statistics.median(jitter), statistics.median(bare)
    return j, b, j / b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    args = parser.parse_args()

    rows = []
    for row in scan_sources():
        if not row.available:
            continue
        default = make(row.name, None)
        has_backends = "backend" in get_source_class(row.name).Params.model_fields
        native = make(row.name, "native") if has_backends else (default if row.native else None)
        python = make(row.name, "python") if has_backends else (None if row.native else default)
        c_rate = rate_and_entropy(native, args.samples, args.runs)[0] if native else None
        py_rate = rate_and_entropy(python, args.samples, args.runs)[0] if python else None
        h_min = rate_and_entropy(default, args.samples, args.runs)[1]
        rows.append((row.name, row.category, c_rate, py_rate, h_min))

    fmt = lambda v: "-" if v is None else f"{v:,.0f}"  # noqa: E731
    if args.markdown:
        print("| source | category | C samples/s | Python samples/s | min-entropy (bits/byte) |")
        print("|---|---|---:|---:|---:|")
        for name, category, c_rate, py_rate, h_min in rows:
            print(f"| `{name}` | {category} | {fmt(c_rate)} | {fmt(py_rate)} | {h_min:.2f} |")
    else:
        print(f"{'source':<24}{'category':<20}{'C samples/s':>16}{'Python samples/s':>18}{'min-entropy':>13}")
        for name, category, c_rate, py_rate, h_min in rows:
            print(f"{name:<24}{category:<20}{fmt(c_rate):>16}{fmt(py_rate):>18}{h_min:>13.2f}")
    if _native.AVAILABLE:
        j, b, ratio = clock_loop_ratio(args.runs)
        print(f"\nclock_jitter C loop: {j:.1f} ns/sample; bare clock_gettime loop: {b:.1f} ns/call; "
              f"ratio {ratio:.2f}x (goal <= 1.5x); medians of {args.runs} runs")


if __name__ == "__main__":
    main()

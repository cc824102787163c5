"""Plots of harvested bytes and of a harvest, each a function returning a matplotlib Figure.

    byte_histogram(data)              counts of each byte value, with the band a uniform
                                      source stays inside (mean +- 3 sigma, binomial)
    autocorrelation(data, lags=32)    correlation of the byte sequence with itself by lag,
                                      with the +-3/sqrt(n) band of an independent one
    min_entropy_bars(rows)            per source: SP 800-90B estimate vs declared vs
                                      credited bits per byte
    health_over_time(rounds)          per source and round: credited bits, and the rounds
                                      a source was not healthy
    bit_bitmap(data)                  the output bits as a black-and-white image
    p_value_histogram(p_values)       SP 800-22 P-values in ten bins against the uniform
                                      count expected (section 4.2.2)
    png(figure)                       PNG bytes (for the report page and tests)

Figures are built with ``matplotlib.figure.Figure``, not pyplot: no global state, no GUI
backend, safe from threads and usable outside notebooks (``fig.savefig(path)``). In a
notebook with the inline backend a returned figure displays itself.

The bands are what a healthy source is expected to stay inside: 3 sigma, so a uniform
source leaves a given bin with probability 0.27%; a few of 256 bins outside is
normal, a shape outside is not.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from .outcome import RoundResult

#: Width of every band, in standard deviations (see module docstring).
BAND_SIGMAS = 3.0
#: Figure size in inches (width, height): readable on a laptop screen and in the report.
SIZE = (7.0, 3.2)


def _bytes(data) -> np.ndarray:
    array = np.frombuffer(data, dtype=np.uint8) if isinstance(data, (bytes, bytearray, memoryview)) else np.asarray(data)
    if array.dtype != np.uint8 or array.ndim != 1:
        raise ValueError(f"expected bytes or a 1-D uint8 array, got {array.dtype} with shape {array.shape}")
    if array.size == 0:
        raise ValueError("no data to plot: expected at least one byte")
    return array


def byte_histogram(data, title: str = "byte values") -> Figure:
    """Counts of the 256 byte values, and the uniform expectation +- ``BAND_SIGMAS`` sigma."""
    array = _bytes(data)
    counts = np.bincount(array, minlength=256)
    expected = array.size / 256
    sigma = np.sqrt(array.size * (1 / 256) * (255 / 256))
    fig = Figure(figsize=SIZE)
    ax = fig.add_subplot()
    outside = np.abs(counts - expected) > BAND_SIGMAS * sigma
    ax.bar(np.arange(256), counts, width=1.0, color=np.where(outside, "#c0392b", "#4a7ab5"))
    ax.axhspan(expected - BAND_SIGMAS * sigma, expected + BAND_SIGMAS * sigma, color="#2ecc71", alpha=0.25,
               label=f"uniform +- {BAND_SIGMAS:g} sigma")
    ax.axhline(expected, color="#1e8449", linewidth=1)
    ax.set(xlabel="byte value", ylabel="count", xlim=(-0.5, 255.5), title=f"{title} ({array.size:,} bytes, {outside.sum()} bins outside)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def autocorrelation(data, lags: int = 32, title: str = "autocorrelation") -> Figure:
    """Pearson correlation of the bytes with themselves shifted by 1..``lags``."""
    array = _bytes(data).astype(np.float64)
    if array.size <= lags + 1:
        raise ValueError(f"autocorrelation to lag {lags} needs more than {lags + 1} bytes, got {array.size}")
    centred = array - array.mean()
    variance = float(centred @ centred) or 1.0  # a constant sequence: all zero, not NaN
    values = [float(centred[:-k] @ centred[k:]) / variance for k in range(1, lags + 1)]
    band = BAND_SIGMAS / np.sqrt(array.size)
    fig = Figure(figsize=SIZE)
    ax = fig.add_subplot()
    ax.axhspan(-band, band, color="#2ecc71", alpha=0.25, label=f"independent +- {BAND_SIGMAS:g}/sqrt(n)")
    ax.bar(range(1, lags + 1), values, color=["#c0392b" if abs(v) > band else "#4a7ab5" for v in values])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(xlabel="lag (bytes)", ylabel="correlation", title=title)
    ax.legend(loc="upper right")
    fig.tight_layout()
    return fig


def min_entropy_bars(rows: Mapping[str, Mapping[str, float | None]], title: str = "min-entropy per source") -> Figure:
    """Grouped bars per source: ``estimate`` (SP 800-90B), ``declared`` (what the source
    claims) and ``credited`` (what the pool credits), in bits per byte; a missing value
    is left out. ``rows``: {source: {"estimate": h, "declared": h, "credited": h}}."""
    if not rows:
        raise ValueError("no sources to plot")
    kinds = (("estimate", "#4a7ab5", "SP 800-90B estimate"), ("declared", "#f39c12", "declared"),
             ("credited", "#27ae60", "credited"))
    names = list(rows)
    x = np.arange(len(names))
    fig = Figure(figsize=(max(SIZE[0], 1.2 * len(names)), SIZE[1]))
    ax = fig.add_subplot()
    for i, (key, colour, label) in enumerate(kinds):
        values = [rows[n].get(key) for n in names]
        ax.bar(x + (i - 1) * 0.27, [np.nan if v is None else v for v in values], width=0.27, color=colour, label=label)
    ax.set_xticks(x, names, rotation=20, ha="right")
    ax.set(xlabel="source", ylabel="bits per byte", ylim=(0, 8.2), title=title)
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def health_over_time(rounds: Iterable[RoundResult], title: str = "health and credit over rounds") -> Figure:
    """Credited bits per source per round (lines), with a red mark where a source was not
    OK (late, failed, quarantined, ...)."""
    rounds = list(rounds)
    if not rounds:
        raise ValueError("no rounds to plot")
    names = list(dict.fromkeys(s.name for r in rounds for s in r.sources))
    fig = Figure(figsize=SIZE)
    ax = fig.add_subplot()
    for name in names:
        points = [(r.index, s) for r in rounds for s in r.sources if s.name == name]
        ax.plot([i for i, _ in points], [s.credited_bits for _, s in points], marker=".", label=name)
        bad = [(i, s.credited_bits) for i, s in points if not s.ok]
        if bad:
            ax.scatter(*zip(*bad), color="#c0392b", marker="x", zorder=3)
    ax.set(xlabel="round", ylabel="credited bits", title=f"{title} (x: not OK)")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def bit_bitmap(data, width: int = 256, max_rows: int = 256, title: str = "output bits") -> Figure:
    """The first ``width x max_rows`` bits, MSB first, one pixel each: 1 black, 0 white.
    Structure (stripes, blocks, repeats) shows at a glance; noise looks like snow."""
    array = _bytes(data)
    bits = np.unpackbits(array)
    rows = min(max_rows, bits.size // width)
    if rows == 0:
        raise ValueError(f"a {width}-bit-wide bitmap needs at least {width // 8} bytes, got {array.size}")
    image = bits[: rows * width].reshape(rows, width)
    fig = Figure(figsize=(SIZE[0], SIZE[0] * rows / width + 0.6))
    ax = fig.add_subplot()
    ax.imshow(image, cmap="gray_r", interpolation="nearest", aspect="equal")
    ax.set(xlabel="bit", ylabel="row", title=f"{title} ({rows * width:,} bits)")
    fig.tight_layout()
    return fig


def p_value_histogram(p_values: Sequence[float], title: str = "SP 800-22 P-values") -> Figure:
    """P-values in ten bins of width 0.1 against the uniform expectation (SP 800-22
    section 4.2.2), with the 0.01 significance level marked."""
    values = np.asarray(list(p_values), dtype=np.float64)
    if values.size == 0:
        raise ValueError("no P-values to plot")
    counts, edges = np.histogram(values, bins=10, range=(0.0, 1.0))
    fig = Figure(figsize=SIZE)
    ax = fig.add_subplot()
    ax.bar(edges[:-1], counts, width=0.1, align="edge", color="#4a7ab5", edgecolor="white")
    ax.axhline(values.size / 10, color="#1e8449", label="uniform expectation")
    ax.axvline(0.01, color="#c0392b", linestyle="--", label="alpha 0.01")
    ax.set(xlabel="P-value", ylabel="tests", xlim=(0, 1), title=f"{title} ({values.size}, {int((values < 0.01).sum())} below 0.01)")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    return fig


def png(figure: Figure, dpi: int = 96) -> bytes:
    """The figure as PNG bytes (96 dpi: screen resolution, small enough to inline)."""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=dpi)
    return out.getvalue()

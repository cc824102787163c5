"""The 19 permutation-test statistics of SP 800-90B section 5.1, as NIST's ea_iid computes them.

Section 5.1 names eleven tests; periodicity and covariance run at five lags each
(5.1.9, 5.1.10: p = 1, 2, 8, 16, 32), so there are 19 values, in ``STATISTIC_NAMES``
order (ea_iid's ``test_names``).

Inputs: ``symbols`` (translated, 0..k-1, ``symbols.translate``) and ``raw`` (the samples
as read). Which sequence each statistic reads follows ea_iid (iid/permutation_tests.h,
``run_tests``), and that is where the tool and the standard part ways:

- excursion (5.1.1) reads ``raw`` with the raw mean; covariance (5.1.10) and
  compression (5.1.11) read ``raw`` when k > 2. The standard leaves it open; the tool's
  choice makes the unpermuted values those it prints, so we follow the tool.
- the rest read ``symbols``; the median of 5.1.5-5.1.6 is the median of the translated
  symbols (0.5 for binary data, as 5.1.5 says).
- binary data (k == 2): conversion I (bits per 8-bit block) feeds 5.1.2-5.1.4, 5.1.9
  and 5.1.10; conversion II (8-bit blocks as numbers) feeds 5.1.7-5.1.8; 5.1.5-5.1.6,
  5.1.1 and 5.1.11 read the bits. A trailing partial block counts, as in the tool.
- 5.1.2 counts runs (the tool counts the first one too: runs = changes + 1).
- 5.1.11: the samples written in decimal separated by single spaces, compressed by
  bzip2 at block size 5 (the tool's ``BZ2_bzBuffToBuffCompress(..., 5, 0, 0)``); the
  statistic is the compressed length in bytes.

Speed: ``statistics`` calls the native kernel (pipelines/_native/sp80090b_iid.c) for
5.1.1-5.1.10 when the built core has it, one call per sequence; the functions here are
the reference it is tested against and the fallback, with identical values. 5.1.11 is
computed natively too, without compressing: sp80090b_iid_bzip2.c derives the exact
length libbzip2 would give from the Burrows-Wheeler transform and Huffman decisions
(its docstring explains how; tests compare it with libbzip2); it hands back to
``bz2.compress`` for texts it does not handle (a single sample). ``bz2.compress`` and
the tool's one-call ``BZ2_bzBuffToBuffCompress`` differ in one case only: when a block
fills exactly one byte before the end, the tool puts that byte in the last block and
``bz2.compress`` gives it a block of its own; the native path does what the tool does.

None of this credits entropy: the statistics feed the permutation test's IID verdict.
"""

from __future__ import annotations

import bz2

import numpy as np

from openentropy.pipelines import _native

#: ea_iid's names, in its order (iid/permutation_tests.h ``test_names``).
STATISTIC_NAMES = (
    "excursion", "numDirectionalRuns", "lenDirectionalRuns", "numIncreasesDecreases",
    "numRunsMedian", "lenRunsMedian", "avgCollision", "maxCollision",
    "periodicity(1)", "periodicity(2)", "periodicity(8)", "periodicity(16)", "periodicity(32)",
    "covariance(1)", "covariance(2)", "covariance(8)", "covariance(16)", "covariance(32)",
    "compression",
)
#: SP 800-90B 5.1.9 and 5.1.10: the lags p.
LAGS = (1, 2, 8, 16, 32)
#: 5.1.11 (and ea_iid): bzip2 with 500 kB blocks.
BZIP2_LEVEL = 5
#: 2^27 + 1: Veltkamp's splitter for 53-bit doubles (Dekker 1971, two-product).
_SPLITTER = 134217729.0

_DECIMAL = [f"{v} ".encode() for v in range(256)]
_DEC_TABLE = np.zeros((256, 4), dtype=np.uint8)
_DEC_LEN = np.zeros(256, dtype=np.int64)
for _v, _s in enumerate(_DECIMAL):
    _DEC_TABLE[_v, : len(_s)] = np.frombuffer(_s, dtype=np.uint8)
    _DEC_LEN[_v] = len(_s)


def baseline(symbols: np.ndarray, raw: np.ndarray, k: int) -> tuple[float, float]:
    """(raw mean, median of the translated symbols; 0.5 when binary): ea_iid's ``calc_stats``."""
    n = len(symbols)
    mean = int(raw.sum(dtype=np.int64)) / n
    if k == 2:
        return mean, 0.5
    counts = np.cumsum(np.bincount(symbols, minlength=k))
    at = lambda i: int(np.searchsorted(counts, i, side="right"))  # noqa: E731  value at sorted index i
    median = float(at(n // 2)) if n % 2 else (at(n // 2) + at(n // 2 - 1)) / 2.0
    return mean, median


def conversion1(bits: np.ndarray) -> np.ndarray:
    """5.1 conversion I: the number of ones in each 8-bit block (a short last block too)."""
    padded = np.zeros(-(-len(bits) // 8) * 8, dtype=np.uint8)
    padded[: len(bits)] = bits
    return padded.reshape(-1, 8).sum(axis=1, dtype=np.uint8)


def conversion2(bits: np.ndarray) -> np.ndarray:
    """5.1 conversion II: each 8-bit block as a number, first bit most significant."""
    padded = np.zeros(-(-len(bits) // 8) * 8, dtype=np.uint8)
    padded[: len(bits)] = bits
    return np.packbits(padded.reshape(-1, 8), axis=1).ravel()


def _split(a):
    """Veltkamp split of doubles into two halves of 26 bits (Dekker's two-product)."""
    c = _SPLITTER * a
    high = c - (c - a)
    return high, a - high


def excursion(raw: np.ndarray, mean: float) -> float:
    """5.1.1: max |running sum - i x mean| over i, each term rounded once.

    ea_iid writes ``running_sum - ((i+1) * rawmean)`` in doubles; built by g++ for
    x86-64 that compiles to a fused multiply-add (the product is not rounded), and the
    printed reference (5430.508519991576577 on u8_narrow) is that value, not the
    twice-rounded one (...992232). The fused result is computed here exactly: the
    product's rounding error by Dekker's two-product, then one rounding.
    """
    running = np.cumsum(raw, dtype=np.float64)
    i = np.arange(1, len(raw) + 1, dtype=np.float64)
    product = i * mean
    rough = np.abs(running - product)
    # the fused and twice-rounded terms differ by at most half an ulp of the product:
    # only terms within that of the rough maximum can be the maximum
    slack = 4 * np.finfo(np.float64).eps * float(product[-1] if len(product) else 0.0) + 1e-300
    near = np.flatnonzero(rough >= rough.max() - slack)
    ih, il = _split(i[near])
    mh, ml = _split(np.float64(mean))
    p = product[near]
    error = ((ih * mh - p) + ih * ml + il * mh) + il * ml
    return float(np.abs((running[near] - p) - error).max())


def _runs(signs: np.ndarray) -> tuple[int, int]:
    """(number of runs, longest run) of a +-1 (bool) sequence."""
    if len(signs) == 0:
        return 0, 0
    change = np.flatnonzero(signs[1:] != signs[:-1])
    bounds = np.concatenate(([-1], change, [len(signs) - 1]))
    return len(change) + 1, int(np.diff(bounds).max())


def directional(seq: np.ndarray) -> tuple[int, int, int]:
    """5.1.2-5.1.4: (number of runs, longest run, max(#increases, #decreases)) of the
    sequence s'_i = +1 if x_i <= x_{i+1} else -1."""
    up = seq[:-1] <= seq[1:]
    number, longest = _runs(up)
    pos = int(up.sum())
    return number, longest, max(pos, len(up) - pos)


def median_runs(seq: np.ndarray, median: float) -> tuple[int, int]:
    """5.1.5-5.1.6: (number of runs, longest run) of s'_i = +1 if x_i >= median else -1."""
    return _runs(seq >= median)


def collisions(seq: np.ndarray) -> tuple[float, int]:
    """5.1.7-5.1.8: (average, maximum) number of samples up to and including the first
    repeated value, counting from the sample after the previous repeat.

    A window starting at s ends at e = min over j >= s of next(j), next(j) being the next
    index holding the value at j: a suffix minimum, so only the jumps are a Python loop.
    """
    n = len(seq)
    if n < 2:
        return float("nan"), 0
    order = np.argsort(seq, kind="stable").astype(np.int32)
    nxt = np.empty(n, dtype=np.int32)
    nxt[order[-1]] = n
    nxt[order[:-1]] = np.where(seq[order[1:]] == seq[order[:-1]], order[1:], n)
    end_at = np.minimum.accumulate(nxt[::-1])[::-1].item
    total = count = longest = 0
    s = 0
    while s < n:
        e = end_at(s)
        if e >= n:
            break
        length = e - s + 1
        total += length
        count += 1
        if length > longest:
            longest = length
        s = e + 1
    if not count:
        return float("nan"), 0
    return total / count, longest


def periodicity(seq: np.ndarray, lag: int) -> int:
    """5.1.9: the number of i with x_i == x_{i+lag}."""
    return int(np.count_nonzero(seq[:-lag] == seq[lag:])) if len(seq) > lag else 0


def covariance(seq: np.ndarray, lag: int) -> int:
    """5.1.10: sum of x_i x x_{i+lag} (an integer, as the tool's)."""
    if len(seq) <= lag:
        return 0
    a = seq.astype(np.int64)
    return int(np.dot(a[:-lag], a[lag:]))


def decimal_text(raw: np.ndarray) -> bytes:
    """The samples in decimal, one space between them (5.1.11's input string)."""
    lengths = _DEC_LEN[raw]
    mask = np.arange(4) < lengths[:, None]
    text = _DEC_TABLE[raw][mask].tobytes()
    return text[:-1]


def compression(raw: np.ndarray, *, native: bool = True) -> int:
    """5.1.11: the bzip2 length of the decimal text (``native=False``: by compressing it)."""
    lib = _native.lib if native and _native.AVAILABLE else None
    kernel = getattr(lib, "oe_sp80090b_iid_compression", None) if lib is not None else None
    if kernel is not None:
        raw = np.ascontiguousarray(raw, dtype=np.uint8)
        length = kernel(_native.ffi.cast("uint8_t *", _native.ffi.from_buffer(raw)), len(raw))
        if length == -2:
            raise MemoryError("iid compression statistic: the native core ran out of memory")
        if length >= 0:
            return int(length)
    return len(bz2.compress(decimal_text(raw), BZIP2_LEVEL))


def _kernel():
    """The native 5.1.1-5.1.10 kernel, or None when the built core does not have it."""
    lib = _native.lib if _native.AVAILABLE else None
    return getattr(lib, "oe_sp80090b_iid_statistics", None) if lib is not None else None


def _native_statistics(kernel, symbols, raw, k, mean, median, on, out) -> None:
    ffi = _native.ffi
    symbols = np.ascontiguousarray(symbols, dtype=np.uint8)
    raw = np.ascontiguousarray(raw, dtype=np.uint8)
    flags = np.ascontiguousarray(on, dtype=np.uint8)
    result = np.empty(19)
    u8 = lambda a: ffi.cast("uint8_t *", ffi.from_buffer(a))  # noqa: E731
    if kernel(u8(symbols), u8(raw), len(symbols), k, mean, median, u8(flags),
              ffi.cast("double *", ffi.from_buffer(result))) < 0:
        raise MemoryError("iid statistics: the native core ran out of memory")
    out[:18] = np.where(on[:18], result[:18], np.nan)


def statistics(symbols: np.ndarray, raw: np.ndarray, k: int, mean: float, median: float,
               active: np.ndarray | None = None, *, native: bool = True) -> np.ndarray:
    """The 19 statistics (float64, ``STATISTIC_NAMES`` order); entries not ``active``
    are left NaN and not computed (the permutation test stops them once decided).
    ``native=False`` forces the numpy path (the tests compare the two)."""
    on = np.ones(19, dtype=bool) if active is None else np.asarray(active, dtype=bool)
    out = np.full(19, np.nan)
    kernel = _kernel() if native else None
    if kernel is not None:
        _native_statistics(kernel, symbols, raw, k, mean, median, on, out)
    else:
        _numpy_statistics(symbols, raw, k, mean, median, on, out)
        out[~on] = np.nan  # a group computes its siblings too; report only what was asked
    if on[18]:
        out[18] = compression(raw, native=native)
    return out


def _numpy_statistics(symbols, raw, k, mean, median, on, out) -> None:
    binary = k == 2
    cs1 = conversion1(symbols) if binary and (on[1:4].any() or on[8:18].any()) else None
    if on[0]:
        out[0] = excursion(raw, mean)
    if on[1:4].any():
        out[1:4] = directional(cs1 if binary else symbols)
    if on[4:6].any():
        out[4:6] = median_runs(symbols, median)
    if on[6:8].any():
        out[6:8] = collisions(conversion2(symbols) if binary else symbols)
    lag_seq = cs1 if binary else symbols
    cov_seq = cs1 if binary else raw
    for i, lag in enumerate(LAGS):
        if on[8 + i]:
            out[8 + i] = periodicity(lag_seq, lag)
        if on[13 + i]:
            out[13 + i] = covariance(cov_seq, lag)

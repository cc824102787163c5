"""The SP 800-90B section 3.1.3 initial entropy estimate, as NIST's ea_non_iid computes it.

Policy (ea_non_iid -i, the default):
- samples are checked against bits_per_symbol and translated to 0..k-1 (``symbols.py``);
  k = 1 awards no entropy (min_entropy 0, no estimator runs), like the tool.
- original pass, on the translated samples: most common value, t-tuple, LRS and the four
  predictors; collision, Markov and compression too only when k == 2 (they are binary-only).
- bitstring pass, only when k > 2: the samples (not translated) expanded to
  bits_per_symbol bits each, most significant first; all ten estimators, h in bits per bit.
  ``truncate_bitstring`` keeps the first 1,000,000 bits (the tool's -t; its default, -a,
  keeps all).
- H_original = min(bits_per_symbol, h over the original pass); H_bitstring = min(1, h over
  the bitstring pass); min_entropy = min(H_original, bits_per_symbol x H_bitstring).
  Estimators that do not apply (h None) are left out of the minima.

The estimators of both passes run on one thread pool, the longest jobs first (``_COST_NS``):
the native loops release the GIL. Nothing here credits entropy; a caller that does should
take ``min_entropy`` as the upper limit.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import compression as _compression
from . import predictors, statistics, tuples
from .result import Assessment, Estimate
from .symbols import check_samples, to_bits, translate

#: ea_non_iid -t: "truncates the bitstring ... to MIN_SIZE bits" (utils.h MIN_SIZE).
TRUNCATED_BITS = 1_000_000

#: Report order, and the names ea_non_iid's results use.
ESTIMATOR_NAMES = (
    "MostCommonValue", "Collision", "Markov", "Compression", "t-Tuple",
    "LRS", "MultiMCW", "Lag", "MultiMMC", "LZ78Y",
)


def _tuple_pair(symbols: np.ndarray, k: int) -> list[Estimate]:
    counts = tuples.repeat_counts(symbols, k)
    return [tuples.t_tuple(symbols, k, counts), tuples.lrs(symbols, k, counts)]


#: Rough cost of each job in ns per symbol, (binary path, other path), measured with
#: benchmarks/estimators.py --per-estimator; they only decide the order the thread pool
#: takes the jobs in (longest first, so neither core idles at the end), never a figure.
_COST_NS = {
    "tuples": (60, 45), "multi_mmc": (30, 200), "lz78y": (30, 95), "lag": (15, 60),
    "multi_mcw": (6, 40), "compression": (9, 0), "markov": (1, 0), "collision": (1, 0),
    "most_common_value": (1, 4),
}


def _named_jobs(symbols: np.ndarray, k: int) -> list[tuple[str, object]]:
    jobs = [
        ("tuples", lambda: _tuple_pair(symbols, k)),
        ("multi_mmc", lambda: [predictors.multi_mmc(symbols, k)]),
        ("lz78y", lambda: [predictors.lz78y(symbols, k)]),
        ("lag", lambda: [predictors.lag(symbols, k)]),
        ("multi_mcw", lambda: [predictors.multi_mcw(symbols, k)]),
    ]
    if k == 2:
        jobs += [
            ("compression", lambda: [_compression.compression(symbols)]),
            ("markov", lambda: [statistics.markov(symbols)]),
            ("collision", lambda: [statistics.collision(symbols)]),
        ]
    jobs.append(("most_common_value", lambda: [statistics.most_common_value(symbols, k)]))
    return jobs


def _jobs(symbols: np.ndarray, k: int) -> list:
    """Callables returning lists of estimates for one pass, slowest first (typically)."""
    return [job for _, job in _named_jobs(symbols, k)]


def _cost(name: str, symbols: np.ndarray, k: int) -> float:
    return len(symbols) * _COST_NS[name][0 if k == 2 else 1]


def _minimum(estimates: dict[str, Estimate], ceiling: float) -> float:
    return min([ceiling, *(e.h for e in estimates.values() if e.h is not None)])


def _ordered(estimates: list[Estimate]) -> dict[str, Estimate]:
    by_name = {e.name: e for e in estimates}
    return {name: by_name[name] for name in ESTIMATOR_NAMES if name in by_name}


def assess(samples, bits_per_symbol: int, *, truncate_bitstring: bool = False, workers: int | None = None) -> Assessment:
    """Run the non-IID estimators on samples of ``bits_per_symbol`` bits (one per byte)."""
    data = check_samples(samples, bits_per_symbol)
    symbols, k = translate(data)
    if k <= 1:
        return Assessment(bits_per_symbol, k, len(data), {}, {}, 0.0, None, 0.0)
    passes = [(symbols, k)]
    bits = None
    if k > 2:
        bits = to_bits(data, bits_per_symbol)
        if truncate_bitstring:
            bits = bits[:TRUNCATED_BITS]
        passes.append((bits, 2))
    queue = [(_cost(name, seq, kk), index, job) for index, (seq, kk) in enumerate(passes) for name, job in _named_jobs(seq, kk)]
    queue.sort(key=lambda item: -item[0])  # stable: equal costs keep their order
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    results: list[list[Estimate]] = [[] for _ in passes]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [(index, pool.submit(job)) for _, index, job in queue]
        for index, future in futures:
            results[index].extend(future.result())
    original = _ordered(results[0])
    bitstring = _ordered(results[1]) if bits is not None else {}
    h_original = _minimum(original, float(bits_per_symbol))
    h_bitstring = _minimum(bitstring, 1.0) if bits is not None else None
    final = h_original if h_bitstring is None else min(h_original, bits_per_symbol * h_bitstring)
    return Assessment(bits_per_symbol, k, len(data), original, bitstring, h_original, h_bitstring, final)

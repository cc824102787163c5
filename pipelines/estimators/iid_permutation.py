"""SP 800-90B 5.1: the permutation test, with ea_iid's counters and pass rule and a seeded shuffle.

Policy (5.1 steps 1-5, and iid/permutation_tests.h ``permutation_tests``):
- t = the 19 statistics of the data as given (``iid_statistics.statistics``).
- up to ``SHUFFLES`` = 10,000 times (5.1 step 2): shuffle the data (round i: the
  Fisher-Yates of ``iid_shuffle`` on the original data, driven by PCG64 seeded with
  SeedSequence(seed, spawn_key=(i,)): each round its own stream, so rounds can run on
  two cores and still give the same counters), compute t' and count,
  per statistic j: C[j][0] += t'_j > t_j, C[j][1] += t'_j == t_j, C[j][2] += t'_j < t_j.
- a statistic is decided, and no longer computed, once C[j][0] + C[j][1] > 5 and
  C[j][1] + C[j][2] > 5 (``EARLY_STOP``; the tool's early stop; it cannot change the
  verdict: the counters only grow). The shuffling ends when all 19 are decided.
- verdict: the data fail (are not IID) if for some j C[j][0] + C[j][1] <= 5 or
  C[j][1] + C[j][2] <= 5, i.e. t ranks among the 5 highest or lowest of the 10,001.

The one place we differ from the tool: its generator is xoshiro256** seeded from the
clock, and its OpenMP threads take rounds in whatever order they finish, so neither its
counters nor its shuffles are reproducible; it also shuffles the previous round's
shuffle where we shuffle the original (both are uniform random permutations, so the
test is the same). Ours come from numpy's PCG64 seeded from ``seed`` (``DEFAULT_SEED``
unless given) and counted in round order: the same seed gives the same counters and
verdict, whatever the number of threads, with or without the native core.

Counters are "counted until decided", like the tool's: a statistic's C[j] stop growing
once it is decided, so they sum to the number of rounds that statistic took, not to
``shuffles``. The statistic values, the counters' meaning and the pass rule are the
tool's. Nothing here credits entropy.
"""

from __future__ import annotations

import collections
import os
import queue
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from . import iid_shuffle, iid_statistics
from .iid_statistics import STATISTIC_NAMES

#: SP 800-90B 5.1 step 2: "repeat 10,000 times".
SHUFFLES = 10_000
#: 5.1 step 5 as ea_iid applies it: a statistic fails when t is within the top or bottom 5.
EARLY_STOP = 5
#: The seed used when none is given (any fixed value: it is printed in every report).
DEFAULT_SEED = 90_800_2024


@dataclass(frozen=True, eq=False)
class PermutationResult:
    """``statistics`` (name -> unpermuted value), ``counters`` (name -> (C0, C1, C2)),
    ``shuffles`` (rounds run), ``seed``, ``passed``, ``failed`` (names that failed)."""

    statistics: dict
    counters: dict
    shuffles: int
    seed: int
    passed: bool
    failed: tuple


def decided(c: np.ndarray) -> np.ndarray:
    """Which statistics have enough shuffles above-or-equal and below-or-equal t."""
    return (c[:, 0] + c[:, 1] > EARLY_STOP) & (c[:, 1] + c[:, 2] > EARLY_STOP)


def _round(symbols: np.ndarray, raw: np.ndarray, values: np.ndarray, k: int, mean: float, median: float,
           seed: int, index: int, active: np.ndarray, spare: queue.SimpleQueue) -> np.ndarray:
    """Round ``index``: the data shuffled by that round's own generator, then t'.

    When k > 2 only the raw samples are shuffled, and they stand in for the symbols too:
    translate is monotone, so every statistic read from symbols (runs up and down, runs
    about the median, collisions, periodicity) has the same value on the samples, and a
    round saves a pass; ``median`` is then already the samples' threshold
    (``sample_median``). Binary data need the 0/1 symbols (conversions I and II). The
    shuffle goes into buffers taken from ``spare`` (one pair per thread) and given back
    once t' is computed."""
    buffers = spare.get()
    try:
        if k > 2:
            shuffled = iid_shuffle.shuffle_samples(raw, seed, index, out=buffers[0])
            return iid_statistics.statistics(shuffled, shuffled, k, mean, median, active)
        data, shuffled_raw = iid_shuffle.shuffle(symbols, values, seed, index, out=buffers)
        return iid_statistics.statistics(data, shuffled_raw, k, mean, median, active)
    finally:
        spare.put(buffers)


def sample_median(median: float, values: np.ndarray) -> float:
    """The median runs' threshold (5.1.5) among raw samples: symbol s >= median exactly
    when its sample values[s] >= the value returned (values ascending; 256, above every
    byte, when no symbol reaches the median)."""
    threshold = int(np.ceil(median))
    return float(values[threshold]) if threshold < len(values) else 256.0


def permutation_test(symbols: np.ndarray, raw: np.ndarray, k: int, *, seed: int | None = None,
                     shuffles: int = SHUFFLES, workers: int | None = None) -> PermutationResult:
    """5.1 on translated ``symbols`` (0..k-1) and the ``raw`` samples they came from.

    Rounds run on ``workers`` threads (the native shuffle and statistics release the
    GIL), with one round queued beyond them so that no thread waits for the counting;
    a round computes the statistics undecided when it was queued. Results are counted
    in round order, each only for the statistics still undecided then, so the counters
    do not depend on ``workers`` (a queued round may compute a statistic that is decided
    before it is counted: wasted work, never counted)."""
    seed = DEFAULT_SEED if seed is None else int(seed)
    workers = max(1, workers if workers is not None else min(2, os.cpu_count() or 1))
    mean, median = iid_statistics.baseline(symbols, raw, k)
    values = np.unique(raw)  # symbol s is raw value values[s] (translate is monotone)
    spare: queue.SimpleQueue = queue.SimpleQueue()
    for _ in range(workers):
        spare.put((np.empty(len(symbols), dtype=np.uint8), np.empty(len(symbols), dtype=np.uint8)))
    active = np.ones(len(STATISTIC_NAMES), dtype=bool)
    c = np.zeros((len(STATISTIC_NAMES), 3), dtype=np.int64)
    rounds = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # t is computed beside the first rounds: they do not need it, only their counting does
        unpermuted = pool.submit(iid_statistics.statistics, symbols, raw, k, mean, median)
        pending: collections.deque = collections.deque()

        round_median = sample_median(median, values) if k > 2 else median

        def queue_rounds() -> None:
            while len(pending) < workers + 1 and rounds + len(pending) < shuffles and active.any():
                index = rounds + len(pending)
                pending.append(pool.submit(_round, symbols, raw, values, k, mean, round_median, seed, index,
                                           active.copy(), spare))

        queue_rounds()
        t = unpermuted.result()
        while pending:
            tp = pending.popleft().result()
            rounds += 1
            c[active, 0] += tp[active] > t[active]
            c[active, 1] += tp[active] == t[active]
            c[active, 2] += tp[active] < t[active]
            active &= ~decided(c)
            if not active.any():
                for future in pending:
                    future.cancel()
                break
            queue_rounds()
    failing = ~decided(c)
    return PermutationResult(
        statistics={name: float(v) for name, v in zip(STATISTIC_NAMES, t)},
        counters={name: tuple(int(x) for x in row) for name, row in zip(STATISTIC_NAMES, c)},
        shuffles=rounds, seed=seed, passed=not failing.any(),
        failed=tuple(name for name, f in zip(STATISTIC_NAMES, failing) if f),
    )

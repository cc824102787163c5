"""SP 800-90B 6.3.7-6.3.10 prediction estimates: MultiMCW, lag, MultiMMC and LZ78Y.

Each predictor walks the symbols once, guessing each from the past; C correct guesses out
of N and the longest run of correct guesses r - 1 go to ``bounds.prediction_estimate``
(P_global', P_local at 0.99, h = -log2 of the larger, floor 1/k). Parameters (from 6.3.7-
6.3.10 and ea_non_iid): MultiMCW windows 63/255/1023/4095; lag D = 128; MultiMMC D = 16
with at most 100,000 entries per order; LZ78Y B = 16 with at most 65,536 prefixes.

Assumptions: symbols are 0..k-1 (``symbols.translate``), k the alphabet size; k == 2
follows the tool's binary code paths. The loops run in the native core when it is built,
else in ``fallback.py`` (same results, much slower). h is None when the sequence is too
short for the predictor (MultiMCW needs 4096 symbols, LZ78Y 18).
"""

from __future__ import annotations

import numpy as np

from . import fallback, native
from .bounds import prediction_estimate
from .result import Estimate


def _predict(name: str, native_name: str, symbols: np.ndarray, k: int | None) -> Estimate:
    symbols = np.ascontiguousarray(symbols, dtype=np.uint8)
    if k is None:
        k = int(symbols.max()) + 1 if len(symbols) else 1
    k = max(k, 2)
    counts = native.predictor(native_name, symbols, k)
    if counts is None:
        counts = getattr(fallback, native_name)(symbols.tolist(), k)
    if counts is None or counts == "short":
        return Estimate(name, None, {"messages": ("not enough samples",)})
    correct, n, max_run = counts
    h, details = prediction_estimate(correct, n, max_run, k)
    return Estimate(name, h, details)


def multi_mcw(symbols: np.ndarray, k: int | None = None) -> Estimate:
    """6.3.7: the most common value in four sliding windows; the best window so far predicts."""
    return _predict("MultiMCW", "multi_mcw", symbols, k)


def lag(symbols: np.ndarray, k: int | None = None) -> Estimate:
    """6.3.8: the symbol d back, d = 1..128; the best lag so far predicts."""
    return _predict("Lag", "lag", symbols, k)


def multi_mmc(symbols: np.ndarray, k: int | None = None) -> Estimate:
    """6.3.9: Markov models of order 1..16 with counts; the best order so far predicts."""
    return _predict("MultiMMC", "multi_mmc", symbols, k)


def lz78y(symbols: np.ndarray, k: int | None = None) -> Estimate:
    """6.3.10: an LZ78-like dictionary of contexts up to 16 long; the most seen follower predicts."""
    return _predict("LZ78Y", "lz78y", symbols, k)

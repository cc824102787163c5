"""Samples to the two sequences the estimators read, as ea_non_iid's ``read_file`` builds them.

- ``translate``: samples of ``bits_per_symbol`` bits (1-8, one per byte) become the
  symbols 0..k-1 in increasing order of value, k = number of distinct values (the tool
  "translates" only when values are missing; an order-preserving map changes no
  estimate, since predictors break ties towards the larger symbol either way).
- ``to_bits``: each sample, as given (not translated), becomes bits_per_symbol bits, most
  significant first (SP 800-90B section 3.1.3: the bitstring for H_bitstring).
"""

from __future__ import annotations

import numpy as np


def check_samples(samples, bits_per_symbol: int) -> np.ndarray:
    """Samples as a uint8 array; ValueError if a sample does not fit bits_per_symbol."""
    if not 1 <= int(bits_per_symbol) <= 8:
        raise ValueError(f"bits_per_symbol must be 1..8, got {bits_per_symbol}")
    if isinstance(samples, (bytes, bytearray, memoryview)):
        data = np.frombuffer(samples, dtype=np.uint8)
    else:
        data = np.asarray(samples)
        if data.size and (data.min() < 0 or data.max() > 255):
            raise ValueError("samples must be 0..255 (one symbol per byte)")
        data = data.astype(np.uint8, copy=False)
    if data.size and int(data.max()) >= 1 << bits_per_symbol:
        raise ValueError(
            f"sample value {int(data.max())} does not fit in {bits_per_symbol} bits per symbol; "
            "pass the real symbol width"
        )
    return data.ravel()


def translate(data: np.ndarray) -> tuple[np.ndarray, int]:
    """(symbols 0..k-1, k): each value replaced by its rank among the distinct values."""
    present = np.bincount(data, minlength=256) > 0
    table = (np.cumsum(present) - 1).astype(np.uint8)
    return table[data], int(present.sum())


def to_bits(data: np.ndarray, bits_per_symbol: int) -> np.ndarray:
    """The samples' bits, most significant first, one bit per byte (values 0/1)."""
    bits = np.unpackbits(data.reshape(-1, 1), axis=1)
    return np.ascontiguousarray(bits[:, 8 - bits_per_symbol :]).ravel()

"""Conditioning stages: pure functions from a numpy array to a numpy array.

Each stage states what it assumes of its input, its output rate, and what it does to
the entropy per output byte. None of them *credits* entropy: crediting happens in the
pool, from estimates made on the extracted bytes (see engine/pool.py). Stages that
compress (xor_fold, von_neumann, sha256) can raise entropy per byte, never the total.

Samples are unsigned integers (timings as ``uint64``, bytes as ``uint8``); stages that
work on bytes view wider inputs as their little-endian bytes.
"""

from __future__ import annotations

import hashlib

import numpy as np


def as_bytes(x: np.ndarray) -> np.ndarray:
    """The array's little-endian bytes as ``uint8`` (no copy for contiguous input)."""
    x = np.ascontiguousarray(x)
    if x.dtype == np.uint8:
        return x
    return x.astype(x.dtype.newbyteorder("<"), copy=False).view(np.uint8)


def raw(x: np.ndarray) -> np.ndarray:
    """Identity on the bytes: output = the input's bytes, unchanged.

    Rate: 1 byte per input byte. Entropy per byte: unchanged (whatever the source has).
    """
    return as_bytes(x)


def delta(x: np.ndarray) -> np.ndarray:
    """Consecutive differences ``x[i+1] - x[i]`` modulo 2**64.

    Assumes ``x`` is a sequence of timestamps or counters. Rate: n samples -> n-1
    deltas (uint64). Removes the slow trend so that only the jitter remains; it adds
    no entropy and keeps at most what the timestamps had.
    """
    values = np.asarray(x).astype(np.uint64, copy=False)
    return np.diff(values)


def gcd_divide(x: np.ndarray) -> np.ndarray:
    """Divide every value by the greatest common divisor of the non-zero values.

    Assumes timer deltas. A timer that ticks in steps of g (every delta a multiple of
    g) wastes log2(g) low bits; dividing restores them to the byte that ``lsb`` keeps,
    as jitterentropy does with its timer's common factor. Rate: n -> n. Entropy: no
    change in total (division by a constant is invertible on multiples of g).
    """
    values = np.asarray(x).astype(np.uint64, copy=False)
    nonzero = values[values != 0]
    divisor = int(np.gcd.reduce(nonzero)) if len(nonzero) else 1
    return values // np.uint64(divisor) if divisor > 1 else values


def xor_whiten(x: np.ndarray) -> np.ndarray:
    """XOR of neighbours ``x[i+1] ^ x[i]``.

    Assumes integer samples. Rate: n -> n-1 (same dtype). Decorrelates a slowly
    drifting mean (upstream's "XOR whitening"); entropy per sample is at most the sum
    of the two inputs' and at least neither's alone for independent samples.
    """
    values = np.asarray(x)
    return values[1:] ^ values[:-1]


def lsb(x: np.ndarray) -> np.ndarray:
    """The lowest byte of every sample, as ``uint8``.

    Rate: one byte per sample. Keeps the bits where timing jitter lives and drops the
    predictable high bits; entropy per byte is at most 8 bits and at most the sample's.
    """
    return (np.asarray(x) & 0xFF).astype(np.uint8)


def xor_fold(x: np.ndarray, rounds: int = 1) -> np.ndarray:
    """Fold the bytes in half ``rounds`` times, XOR-ing the halves.

    Rate: n bytes -> n / 2**rounds bytes (an odd trailing byte is dropped each round).
    For independent halves the entropy per output byte is at least that of the better
    half, so folding concentrates entropy; it never creates it.
    """
    data = as_bytes(x)
    for _ in range(rounds):
        half = len(data) // 2
        data = data[:half] ^ data[half : 2 * half]
    return data


def von_neumann(x: np.ndarray) -> np.ndarray:
    """Von Neumann debiasing on the bit stream: pairs 01 -> 0, 10 -> 1, 00/11 dropped.

    Assumes independent bits with a fixed bias; under that assumption the output bits
    are exactly unbiased. Rate: on average p(1-p)/2 output bits per input bit (at most
    1/4); the output is whole bytes, MSB first, a partial final byte dropped.
    """
    bits = np.unpackbits(as_bytes(x))
    pairs = bits[: len(bits) // 2 * 2].reshape(-1, 2)
    keep = pairs[:, 0] != pairs[:, 1]
    out_bits = pairs[keep, 0]
    whole = len(out_bits) // 8 * 8
    return np.packbits(out_bits[:whole])


def sha256(x: np.ndarray, block: int = 64) -> np.ndarray:
    """Upstream's per-source block conditioner: chained SHA-256 over ``block``-byte blocks.

    For each block i (the last one may be short):
    ``state = SHA-256(state || block_i || i as 8-byte little-endian)``, and ``state`` is
    the 32-byte output for that block. ``state`` starts as 32 zero bytes, so the stage
    is a pure function. Rate: 32 output bytes per ``block`` input bytes. Output is
    full-entropy only when a block carries at least 32 bytes' worth (SP 800-90B 3.1.5.1.2
    asks for 64 extra bits, so use block >= 40 bytes of full entropy or longer blocks of
    weaker input). The counter keeps outputs distinct even when blocks repeat.
    """
    data = as_bytes(x).tobytes()
    state = bytes(32)
    out = bytearray()
    for index, start in enumerate(range(0, len(data), block)):
        state = hashlib.sha256(state + data[start : start + block] + index.to_bytes(8, "little")).digest()
        out += state
    return np.frombuffer(bytes(out), dtype=np.uint8)

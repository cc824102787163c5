"""The two inputs NIST's tools were run on, rebuilt exactly from their definitions.

    python tests/pipelines/reference/inputs.py [FOLDER]    writes e.bin and u8_narrow.bin,
                                                           prints each SHA-256 and size

Nothing is downloaded and no input file is carried: each is cheaper to compute than to
store, and the SHA-256 in the matching reference JSON proves the result is the same
file the NIST tool read.

    e.bin          ``e_bytes(1_000_000)``: the first 1,000,000 bits of the binary
                   expansion of e, 10.1011011111100001...b (the "10" of the integer
                   part first, as NIST's sts-2.1.2 data/data.e), packed most
                   significant bit first into 125,000 bytes. Exact integers; about
                   2 s. Reference: sts-2.1.2_e.json.
    u8_narrow.bin  ``u8_narrow()``: 1,000,000 samples, one byte each, drawn as
                   clip(rint(normal(128, 6)), 0, 255) from numpy's
                   ``default_rng(2)`` (PCG64 and numpy's normal sampler; a numpy
                   whose stream differed would fail the SHA-256 check). A narrow
                   bell: 60 distinct values, true min-entropy about 3.9 bits a
                   sample. Reference: ea_non_iid_u8_narrow.json.

How e's bits are exact. With s = n - 2 + GUARD fraction bits, the target is
floor(e * 2**s) >> GUARD. The partial sum S = sum_{k=0..K} 1/k! is a fraction P/Q,
built by binary splitting (the terms' numerators and denominators multiplied in a
balanced tree, so the big products are few and Python's Karatsuba does the work).
The tail e - S is below 2/(K+1)!; K is the first count with (K+1)! > 2**(s + 1), so
the tail adds less than one unit at 2**-s and floor(e * 2**s) is x = floor(2**s * S)
or x + 1. The two agree once shifted right by GUARD unless x's low GUARD bits are all
ones; ``e_bytes`` checks that and refuses rather than guess (it never happens for e).
"""

from __future__ import annotations

import hashlib
import math
import sys
from pathlib import Path

import numpy as np

#: Bits computed past the last one kept, so a carry from the series' tail is visible.
GUARD = 32

#: e = 10.1011011111100001...b: the first 16 bits, checked on every expansion.
E_FIRST_16 = 0b1010110111111000

U8_NARROW_SAMPLES = 1_000_000
U8_NARROW_SEED = 2
U8_NARROW_MEAN, U8_NARROW_SD = 128.0, 6.0


def _terms_needed(bits: int) -> int:
    """The least K with (K+1)! > 2**(bits + 1)."""
    k, log2_factorial = 0, 0.0  # log2((k+1)!) as k grows; a float is ample: K is ~10**5
    while True:
        log2_factorial += math.log2(k + 1)
        if log2_factorial > bits + 2:  # one bit of slack for the float's rounding
            return k
        k += 1


def _split(first: int, last: int) -> tuple[int, int]:
    """(P, Q) with P / Q = sum over k in (first, last] of first! / k!, Q = last! / first!."""
    if last - first == 1:
        return 1, last
    middle = (first + last) // 2
    p_left, q_left = _split(first, middle)
    p_right, q_right = _split(middle, last)
    # terms of the right half carry the left half's whole product as a factor
    return p_left * q_right + p_right, q_left * q_right


def e_bytes(n_bits: int) -> bytes:
    """The first ``n_bits`` bits of e's binary expansion (integer part "10" first),
    packed most significant bit first; ``n_bits`` a multiple of 8, at least 16."""
    if n_bits % 8 or n_bits < 16:
        raise ValueError(f"n_bits must be a multiple of 8 and at least 16, not {n_bits}")
    scale = n_bits - 2 + GUARD
    p, q = _split(0, _terms_needed(scale))  # S - 1 = p / q
    x = ((q + p) << scale) // q
    if (x + 1) >> GUARD != x >> GUARD:
        raise ArithmeticError(f"e to {n_bits} bits sits on a carry; raise GUARD")
    value = x >> GUARD
    if value.bit_length() != n_bits or value >> (n_bits - 16) != E_FIRST_16:
        raise ArithmeticError("the expansion does not start 10.10110111111000b: not e")
    return value.to_bytes(n_bits // 8, "big")


def u8_narrow(samples: int = U8_NARROW_SAMPLES) -> bytes:
    """``samples`` bytes of a rounded, clipped normal(128, 6) from ``default_rng(2)``."""
    draws = np.random.default_rng(U8_NARROW_SEED).normal(U8_NARROW_MEAN, U8_NARROW_SD, size=samples)
    return np.clip(np.rint(draws), 0, 255).astype(np.uint8).tobytes()


INPUTS = {"e.bin": lambda: e_bytes(1_000_000), "u8_narrow.bin": u8_narrow}


def main(folder: str = ".") -> None:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, make in INPUTS.items():
        data = make()
        (out / name).write_bytes(data)
        print(f"{name} {hashlib.sha256(data).hexdigest()} {len(data)}")


if __name__ == "__main__":
    main(*sys.argv[1:2])

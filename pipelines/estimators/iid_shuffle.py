"""The permutation test's shuffle (SP 800-90B 5.1 step 2.1): a seeded Fisher-Yates.

Round i of a test seeded with ``seed`` shuffles the ORIGINAL symbols (not the previous
round's shuffle) with its own generator, so rounds can run on any number of threads and
still give the same permutations:

- generator: numpy's PCG64 (XSL-RR 128/64) seeded by ``SeedSequence(seed, spawn_key=(i,))``;
  its 64-bit outputs are ``PCG64.random_raw()``'s.
- Fisher-Yates: for j = n-1 down to 1, swap positions j and u, u uniform in [0, j],
  drawn from one output x as floor(x (j+1) / 2^64), redrawing while the low 64 bits of
  x (j+1) are below 2^64 mod (j+1) (Lemire 2019, "Fast random integer generation in an
  interval"; the redraw is exact and happens with probability below (j+1) / 2^64).

``shuffle`` runs it in C (pipelines/_native/sp80090b_iid.c) when the core is built;
``shuffle_reference`` is the same algorithm in Python (the tests compare the two, and it
is the fallback: same permutations, much slower). Nothing here credits entropy.
"""

from __future__ import annotations

import numpy as np

from openentropy.pipelines import _native

_MASK64 = (1 << 64) - 1


def pcg_state(seed: int, index: int) -> tuple[int, int]:
    """(state, increment) of round ``index``'s PCG64, as numpy seeds it."""
    state = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(index,))).state["state"]
    return int(state["state"]), int(state["inc"])


def _kernel():
    lib = _native.lib if _native.AVAILABLE else None
    return getattr(lib, "oe_sp80090b_iid_shuffle", None) if lib is not None else None


def shuffle(symbols: np.ndarray, values: np.ndarray, seed: int, index: int) -> tuple[np.ndarray, np.ndarray]:
    """(round ``index``'s shuffle of ``symbols``, the raw samples ``values[shuffled]``)."""
    kernel = _kernel()
    if kernel is None:
        shuffled = shuffle_reference(symbols, seed, index)
        return shuffled, values[shuffled]
    ffi = _native.ffi
    state, inc = pcg_state(seed, index)
    words = np.array([state >> 64, state & _MASK64, inc >> 64, inc & _MASK64], dtype=np.uint64)
    symbols = np.ascontiguousarray(symbols, dtype=np.uint8)
    table = np.zeros(256, dtype=np.uint8)
    table[: len(values)] = values
    shuffled = np.empty_like(symbols)
    raw = np.empty_like(symbols)
    u8 = lambda a: ffi.cast("uint8_t *", ffi.from_buffer(a))  # noqa: E731
    kernel(u8(symbols), u8(table), len(symbols), ffi.cast("uint64_t *", ffi.from_buffer(words)), u8(shuffled), u8(raw))
    return shuffled, raw


def shuffle_reference(symbols: np.ndarray, seed: int, index: int) -> np.ndarray:
    """The documented Fisher-Yates in Python: the specification the C shuffle is tested against."""
    generator = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(index,)))
    out = np.array(symbols, dtype=np.uint8).tolist()
    n = len(out)
    draws = iter(())
    for j in range(n - 1, 0, -1):
        span = j + 1
        x = next(draws, None)
        if x is None:
            draws = iter(generator.random_raw(min(j, 65_536)).tolist())
            x = next(draws)
        product = x * span
        if product & _MASK64 < span:
            threshold = (1 << 64) % span
            while product & _MASK64 < threshold:
                x = next(draws, None)
                if x is None:
                    draws = iter(generator.random_raw(min(j, 65_536)).tolist())
                    x = next(draws)
                product = x * span
        u = product >> 64
        out[j], out[u] = out[u], out[j]
    return np.array(out, dtype=np.uint8)

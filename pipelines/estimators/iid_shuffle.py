"""The permutation test's shuffle (SP 800-90B 5.1 step 2.1): a seeded Fisher-Yates.

Round i of a test seeded with ``seed`` shuffles the ORIGINAL symbols (not the previous
round's shuffle) with its own generator, so rounds can run on any number of threads and
still give the same permutations:

- generator: numpy's PCG64 (XSL-RR 128/64) seeded by ``SeedSequence(seed, spawn_key=(i,))``;
  its 64-bit outputs are ``PCG64.random_raw()``'s, each split into two 32-bit draws,
  the low half first (half the generator steps of 64-bit draws).
- Fisher-Yates: for j = n-1 down to 1, swap positions j and u, u uniform in [0, j],
  drawn from one 32-bit draw x as floor(x (j+1) / 2^32), redrawing while the low 32 bits
  of x (j+1) are below 2^32 mod (j+1) (Lemire 2019, "Fast random integer generation in
  an interval"; the redraw makes it exactly uniform). n is at most 2^32.

``shuffle`` (symbols and their raw samples) and ``shuffle_samples`` (one array: the same
permutation, which depends only on the length, the seed and the round) run it in C
(pipelines/_native/sp80090b_iid.c) when the core is built;
``shuffle_reference`` is the same algorithm in Python (the tests compare the two, and it
is the fallback: same permutations, much slower). Nothing here credits entropy.
"""

from __future__ import annotations

import numpy as np

from openentropy.pipelines import _native

_MASK64 = (1 << 64) - 1
_MASK32 = (1 << 32) - 1


def pcg_state(seed: int, index: int) -> tuple[int, int]:
    """(state, increment) of round ``index``'s PCG64, as numpy seeds it."""
    state = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(index,))).state["state"]
    return int(state["state"]), int(state["inc"])


def _kernel():
    lib = _native.lib if _native.AVAILABLE else None
    return getattr(lib, "oe_sp80090b_iid_shuffle", None) if lib is not None else None


def shuffle(symbols: np.ndarray, values: np.ndarray, seed: int, index: int,
            out: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(round ``index``'s shuffle of ``symbols``, the raw samples ``values[shuffled]``).

    ``out``: two uint8 arrays of ``len(symbols)`` to write them into (a permutation test
    reuses one pair per thread: fresh megabyte arrays each round cost page faults)."""
    symbols = np.ascontiguousarray(symbols, dtype=np.uint8)
    shuffled, raw = out if out is not None else (np.empty_like(symbols), np.empty_like(symbols))
    _check_out(symbols, shuffled)
    _check_out(symbols, raw)
    if _kernel() is None:
        shuffled[:] = shuffle_reference(symbols, seed, index)
        raw[:] = np.asarray(values, dtype=np.uint8)[shuffled]
        return shuffled, raw
    table = np.zeros(256, dtype=np.uint8)
    table[: len(values)] = values
    _native_shuffle(symbols, seed, index, shuffled, table, raw)
    return shuffled, raw


def shuffle_samples(samples: np.ndarray, seed: int, index: int, out: np.ndarray | None = None) -> np.ndarray:
    """Round ``index``'s shuffle of ``samples`` alone: the same permutation ``shuffle``
    applies to symbols (it depends only on the length, the seed and the round), so
    ``shuffle_samples(values[symbols], ...)`` is ``shuffle(symbols, values, ...)[1]``.
    ``out``: a uint8 array of ``len(samples)`` to write it into."""
    samples = np.ascontiguousarray(samples, dtype=np.uint8)
    shuffled = out if out is not None else np.empty_like(samples)
    _check_out(samples, shuffled)
    if _kernel() is None:
        shuffled[:] = shuffle_reference(samples, seed, index)
    else:
        _native_shuffle(samples, seed, index, shuffled)
    return shuffled


def _check_out(data: np.ndarray, out: np.ndarray) -> None:
    if out.shape != data.shape or out.dtype != np.uint8 or not out.flags.c_contiguous:
        raise ValueError("shuffle: out must be contiguous uint8 arrays the size of the data")


def _native_shuffle(data: np.ndarray, seed: int, index: int, shuffled: np.ndarray,
                    table: np.ndarray | None = None, raw: np.ndarray | None = None) -> None:
    """The C Fisher-Yates of ``data`` into ``shuffled`` (and ``table[shuffled]`` into ``raw``)."""
    ffi = _native.ffi
    state, inc = pcg_state(seed, index)
    words = np.array([state >> 64, state & _MASK64, inc >> 64, inc & _MASK64], dtype=np.uint64)
    u8 = lambda a: ffi.cast("uint8_t *", ffi.from_buffer(a)) if a is not None else ffi.NULL  # noqa: E731
    if _kernel()(u8(data), u8(table), len(data), ffi.cast("uint64_t *", ffi.from_buffer(words)),
                 u8(shuffled), u8(raw)) < 0:
        raise ValueError(f"the permutation test shuffles at most 2**32 samples, not {len(data)}")


def shuffle_reference(symbols: np.ndarray, seed: int, index: int) -> np.ndarray:
    """The documented Fisher-Yates in Python: the specification the C shuffle is tested against."""
    generator = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(index,)))
    out = np.array(symbols, dtype=np.uint8).tolist()
    pending: list[int] = []

    def draw() -> int:
        if not pending:
            raw = generator.random_raw(4096)
            halves = np.empty(2 * len(raw), dtype=np.uint64)
            halves[0::2] = raw & _MASK32
            halves[1::2] = raw >> np.uint64(32)
            pending.extend(reversed(halves.tolist()))
        return pending.pop()

    for j in range(len(out) - 1, 0, -1):
        span = j + 1
        product = draw() * span
        if product & _MASK32 < span:
            threshold = (1 << 32) % span
            while product & _MASK32 < threshold:
                product = draw() * span
        u = product >> 32
        out[j], out[u] = out[u], out[j]
    return np.array(out, dtype=np.uint8)

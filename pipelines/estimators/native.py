"""Calls into the native statistics core (pipelines/_native/sp80090b*.c), one call per sequence.

Each function returns None when the core is not built, and the Python fallback runs
instead (``fallback.py``), with the same results. cffi releases the GIL around each call,
so the assessment can run several estimators on threads at once.
"""

from __future__ import annotations

import numpy as np

from openentropy.pipelines import _native


def available() -> bool:
    return bool(_native.AVAILABLE) and _native.lib is not None


def _u8(ffi, symbols: np.ndarray):
    return ffi.cast("uint8_t *", ffi.from_buffer(symbols))


def predictor(name: str, symbols: np.ndarray, k: int) -> tuple[int, int, int] | None | str:
    """(C, N, longest run) of predictor ``name``; "short" if too few symbols; None without core."""
    if not available():
        return None
    ffi, lib = _native.ffi, _native.lib
    symbols = np.ascontiguousarray(symbols, dtype=np.uint8)
    out = np.zeros(3, dtype=np.int64)
    rc = getattr(lib, f"oe_sp80090b_{name}")(_u8(ffi, symbols), len(symbols), k, ffi.cast("int64_t *", ffi.from_buffer(out)))
    if rc < 0:
        raise MemoryError(f"{name}: the native core ran out of memory")
    if rc == 1:
        return "short"
    return int(out[0]), int(out[1]), int(out[2])


def collision_walk(bits: np.ndarray) -> tuple[int, int, int] | None:
    """(v, sum t_i, sum t_i^2) of the 6.3.2 walk; None without core."""
    out = _over_bits("oe_sp80090b_collision", bits, np.zeros(3, dtype=np.int64), "int64_t *")
    return None if out is None else (int(out[0]), int(out[1]), int(out[2]))


def compression_sums(bits: np.ndarray) -> tuple[float, float] | None:
    """(sum of log2 distances, sum of their squares) of the 6.3.4 statistic; None without core."""
    out = _over_bits("oe_sp80090b_compression", bits, np.zeros(2, dtype=np.float64), "double *")
    return None if out is None else (float(out[0]), float(out[1]))


def _over_bits(kernel: str, bits: np.ndarray, out: np.ndarray, out_type: str) -> np.ndarray | None:
    """``kernel(bits, len(bits), out)`` of the core, which fills ``out``; None without core."""
    if not available():
        return None
    ffi, lib = _native.ffi, _native.lib
    bits = np.ascontiguousarray(bits, dtype=np.uint8)
    getattr(lib, kernel)(_u8(ffi, bits), len(bits), ffi.cast(out_type, ffi.from_buffer(out)))
    return out


def repeats(symbols: np.ndarray, k: int, cap: int = 256) -> tuple[int, np.ndarray, np.ndarray] | None:
    """(v, q, pairs) for tuple lengths 1..v (index 0 unused); None without core."""
    if not available():
        return None
    ffi, lib = _native.ffi, _native.lib
    symbols = np.ascontiguousarray(symbols, dtype=np.uint8)
    while True:
        q = np.zeros(cap + 1, dtype=np.int64)
        pairs = np.zeros(cap + 1, dtype=np.uint64)
        v = lib.oe_sp80090b_repeats(
            _u8(ffi, symbols), len(symbols), k, cap,
            ffi.cast("int64_t *", ffi.from_buffer(q)), ffi.cast("uint64_t *", ffi.from_buffer(pairs)),
        )
        if v < 0:
            raise MemoryError("repeats: the native core ran out of memory")
        if v <= cap:
            return int(v), q[: v + 1], pairs[: v + 1]
        cap = int(v)

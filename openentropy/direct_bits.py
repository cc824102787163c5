"""The direct numpy bit generator: every bit numpy draws is pool output, used once.

    bits = pool_bit_generator(harvester.read)      # any ``read(n) -> n bytes``
    numpy.random.Generator(bits).normal(size=10)   # or harvester.generator()

How it is built
    numpy cannot run a bit generator written in Python (a Python subclass of
    ``numpy.random.BitGenerator`` has no C state, and numpy crashes on it). randomgen's
    ``UserBitGenerator`` takes C function pointers instead: ours are ``oe_ring_next64``,
    ``oe_ring_next32`` and ``oe_ring_next_double`` from ``openentropy/_native/ring.c``,
    reading a C ring buffer. When the ring is empty, C calls back into Python once
    (``oe_ring_refill``), which asks ``read`` for the next batch: 4 KiB first, doubling up
    to ``RING_BYTES``. numpy's loops run without the GIL between refills.

What it credits
    Nothing: it is a consumer. The bytes are whatever the pool's mode makes of its
    input (sha256, drbg or full_entropy output); the pool has already accounted for
    them as output. Throughput is bounded by the pool's: a sha256 pool gives ~1.4 MiB/s
    here (~0.2 M uint64/s), a drbg pool 130-280 MiB/s; through the ring that measured
    23-47 M uint64/s, 0.12-0.30x numpy's PCG64 (``benchmarks/numpy_generator.py``).

Guarantees
    - Once only: the ring's read position only moves forward; a refill overwrites it.
    - Fork: a child never reads bytes its parent may still read. A ``pthread_atfork``
      handler in C marks every ring empty in the child, so its first draw refills from
      the child's pool (``Harvester`` and ``EntropyPool`` build or re-key their own).
    - Failure: numpy gives a bit generator no way to report an error. If ``read``
      raises (a closed harvester, a timeout), the traceback is printed and the process
      aborts rather than repeat or invent bits. Close a harvester only after its
      generators are done.
"""

from __future__ import annotations

import ctypes

from randomgen.wrapper import UserBitGenerator

from .errors import OpenEntropyError

try:
    from openentropy._ring import ffi, lib

    AVAILABLE = True
except ImportError:  # built without a compiler, or the optional build failed
    ffi = lib = None
    AVAILABLE = False

#: Largest batch one refill asks the pool for. At a drbg pool's 130-280 MiB/s a refill
#: takes 4-8 ms, against ~50 us of Python call overhead per refill (<1%); it is also the
#: memory one generator holds.
RING_BYTES = 1 << 20
#: First batch: one page, so a program that wants a few numbers from a slow (sha256,
#: full_entropy) pool does not wait for a megabyte. Batches double up to RING_BYTES.
FIRST_REFILL_BYTES = 4096


class RingNotBuiltError(OpenEntropyError):
    """The direct generator's C ring (``openentropy._ring``) was not compiled."""


class _Ring:
    """One C ring and the ``read`` that refills it (kept alive by its bit generator)."""

    def __init__(self, read, capacity: int, first_refill: int):
        if not AVAILABLE:
            raise RingNotBuiltError(
                "the direct numpy generator needs the C ring openentropy._ring, which was not built "
                "(install a C compiler and reinstall: pip install -e .); generator(mode='seeded') works without it"
            )
        self.read = read
        self._handle = ffi.new_handle(self)
        ring = lib.oe_ring_new(capacity, first_refill, self._handle)
        if ring == ffi.NULL:
            raise MemoryError(f"cannot allocate a {capacity}-byte ring (capacity and first refill: multiples of 8)")
        self.ptr = ffi.gc(ring, lib.oe_ring_free)

    def address(self) -> int:
        return int(ffi.cast("uintptr_t", self.ptr))


if AVAILABLE:

    @ffi.def_extern(error=-1)  # an exception prints its traceback; -1 makes C abort
    def oe_ring_refill(handle, buf, n):
        data = ffi.from_handle(handle).read(n)
        if len(data) != n:
            raise OpenEntropyError(f"a ring refill asked for {n} bytes and read returned {len(data)}")
        ffi.memmove(buf, data, n)
        return 0


def _c_function(name: str, restype):
    address = int(ffi.cast("uintptr_t", ffi.addressof(lib, name)))
    return ctypes.CFUNCTYPE(restype, ctypes.c_void_p)(address)


def pool_bit_generator(read, capacity: int = RING_BYTES, first_refill: int = FIRST_REFILL_BYTES) -> UserBitGenerator:
    """A numpy bit generator whose every bit is pool output (see the module docstring).

    ``read(n)`` must return exactly ``n`` fresh bytes each call (``Harvester.read``,
    ``EntropyPool.get_random_bytes``). The generator's ``state`` shows the ring's
    traffic (``refills``, ``bytes_in``, ``unread``) and cannot be set: there is
    nothing to replay. The state getter also keeps the ring alive with the generator.
    """
    ring = _Ring(read, capacity, first_refill)

    def state() -> dict:
        return {
            "bit_generator": "openentropy.pool",
            "refills": int(lib.oe_ring_refills(ring.ptr)),
            "bytes_in": int(lib.oe_ring_bytes_in(ring.ptr)),
            "unread": int(lib.oe_ring_unread(ring.ptr)),
        }

    return UserBitGenerator.from_ctypes(
        _c_function("oe_ring_next64", ctypes.c_uint64),
        _c_function("oe_ring_next64", ctypes.c_uint64),
        _c_function("oe_ring_next32", ctypes.c_uint32),
        _c_function("oe_ring_next_double", ctypes.c_double),
        ctypes.c_void_p(ring.address()),
        state_getter=state,
    )

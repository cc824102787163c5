"""numpy Generators fed by a pool: which to use when.

    h.generator()                  mode="direct": every bit is harvested pool output
    h.generator(mode="seeded")     numpy's PCG64DXSM, 256-bit pool seed, reseeded
    h.seed_sequence()              a numpy SeedSequence of 256 pool bits, for anything else

``h`` is a ``Harvester`` (``openentropy.open``) or an ``EntropyPool``; both call the
functions here with their own ``read(n)``.

Which one
    direct   when the numbers themselves must be harvested output: keys, nonces,
             lotteries, sampling an auditor may question. Its speed is the pool's
             (a drbg pool: 23-47 M uint64/s measured here; a sha256 pool: ~0.2 M/s).
    seeded   when speed matters and a statistically excellent, seeded PRNG is enough:
             Monte Carlo, simulation, shuffling. It runs at numpy's own PCG64 speed;
             its numbers follow from a 256-bit seed until the next reseed.
    seed_sequence   to seed something else (``numpy.random.PCG64(ss)``,
             ``ss.spawn(8)`` for parallel workers) from the pool once.

Both generators are fork-safe as the pool is: a child never continues its parent's
numbers (direct_bits.py and seeded_bits.py say how).

``EsotericBitGenerator(source)`` keeps upstream's name: the direct bit generator of a
``Harvester`` or ``EntropyPool`` (``numpy.random.Generator(EsotericBitGenerator(h))``).
"""

from __future__ import annotations

import numpy as np

from .direct_bits import pool_bit_generator
from .seeded_bits import RESEED_INTERVAL_S, PoolSeededPCG64DXSM, pool_seed_sequence

#: The generator modes, by name.
MODES = ("direct", "seeded")


def generator(read, mode: str = "direct", *, reseed_interval: float | None = RESEED_INTERVAL_S) -> np.random.Generator:
    """A ``numpy.random.Generator`` drawing on ``read(n)`` (exactly n pool bytes).

    ``mode="direct"``: every bit is pool output, used once. ``mode="seeded"``: numpy's
    PCG64DXSM seeded with 256 pool bits, reseeded every ``reseed_interval`` seconds
    (None: only at fork and on ``bit_generator.reseed()``).
    """
    if mode == "direct":
        return np.random.Generator(pool_bit_generator(read))
    if mode == "seeded":
        return np.random.Generator(PoolSeededPCG64DXSM(read, reseed_interval))
    raise ValueError(f"generator mode {mode!r} is not one of {', '.join(MODES)}")


def seed_sequence(read) -> np.random.SeedSequence:
    """A ``numpy.random.SeedSequence`` holding 256 bits of pool output."""
    return pool_seed_sequence(read)


def EsotericBitGenerator(source):  # noqa: N802 - upstream's name, kept for its users
    """Upstream's name for the direct bit generator of ``source`` (a ``Harvester`` or an
    ``EntropyPool``): ``numpy.random.Generator(EsotericBitGenerator(source))``."""
    read = getattr(source, "read", None) or getattr(source, "get_random_bytes", None)
    if read is None:
        raise TypeError(f"EsotericBitGenerator needs a Harvester or an EntropyPool, got {type(source).__name__}")
    return pool_bit_generator(read)
